"""The judge of the ``llm`` evaluation mode (generation uses the worker's provider), and prompt quoting."""

from __future__ import annotations

from django.conf import settings

from tools.llm.base import LLMProvider
from tools.llm.mock import MockProvider
from tools.llm.providers import openai_provider


def evaluator_provider() -> LLMProvider:
    """The ``llm`` evaluation mode's judge, from ``TAILOR_EVAL_PROVIDER`` and ``TAILOR_EVAL_OPENAI_*``
    (endpoint and key are the shared ``OPENAI_BASE_URL`` and ``OPENAI_API_KEY``)."""
    if settings.TAILOR_EVAL_PROVIDER == "mock":
        return MockProvider()
    return openai_provider(
        model=settings.TAILOR_EVAL_OPENAI_MODEL,
        timeout_s=settings.TAILOR_EVAL_OPENAI_TIMEOUT_S,
        max_retries=settings.TAILOR_EVAL_OPENAI_MAX_RETRIES,
    )


def quote(text: str) -> str:
    """Text to put inside a fenced block of a prompt: its own fences cannot close the block (nor
    offer the mock provider a ```json answer)."""
    return text.replace("```", "'''")
