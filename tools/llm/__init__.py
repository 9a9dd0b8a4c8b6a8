"""LLM providers behind one interface, used by the planner and by the llm tool family."""

from tools.llm.base import LLMError, LLMProvider, LLMResult, Message, Usage

__all__ = ["LLMError", "LLMProvider", "LLMResult", "Message", "Usage"]
