"""The two LLM providers the service uses: one generates, the other (``llm`` mode) judges."""

from __future__ import annotations

from django.conf import settings

from tools.llm.base import LLMProvider
from tools.llm.mock import MockProvider
from tools.llm.openai_provider import OpenAIProvider
from tools.llm.providers import get_provider


def generation_provider() -> LLMProvider:
    """As for the llm tools: ``WORKER_MODE=mock`` (default) is offline, ``llm`` uses ``LLM_PROVIDER``."""
    return get_provider("mock" if settings.WORKER_MODE == "mock" else None)


def evaluator_provider() -> LLMProvider:
    """The ``llm`` evaluation mode's judge, from ``TAILOR_EVAL_PROVIDER`` and ``TAILOR_EVAL_OPENAI_*``
    (endpoint and key are the shared ``OPENAI_BASE_URL`` and ``OPENAI_API_KEY``)."""
    if settings.TAILOR_EVAL_PROVIDER == "mock":
        return MockProvider()
    return OpenAIProvider(
        model=settings.TAILOR_EVAL_OPENAI_MODEL,
        api_key=settings.OPENAI_API_KEY,
        base_url=settings.OPENAI_BASE_URL or None,
        timeout_s=settings.TAILOR_EVAL_OPENAI_TIMEOUT_S,
        max_retries=settings.TAILOR_EVAL_OPENAI_MAX_RETRIES,
        prices=settings.AWE_LLM_PRICES,
    )


def quote(text: str) -> str:
    """Text to put inside a fenced block of a prompt: its own fences cannot close the block (nor
    offer the mock provider a ```json answer)."""
    return text.replace("```", "'''")
