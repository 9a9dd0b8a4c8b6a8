"""Choosing a provider from settings (``LLM_PROVIDER``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from tools.llm.base import LLMProvider
from tools.llm.mock import MockProvider

if TYPE_CHECKING:  # the openai SDK is imported on first use: most processes never call it
    from tools.llm.openai_provider import OpenAIProvider

PROVIDERS = ("mock", "openai")


def get_provider(name: str | None = None) -> LLMProvider:
    chosen = name or settings.LLM_PROVIDER
    if chosen == "mock":
        return MockProvider()
    if chosen == "openai":
        return openai_provider()
    raise ValueError(f"LLM_PROVIDER={chosen!r} is not one of {', '.join(PROVIDERS)}")


def worker_provider() -> LLMProvider:
    """The provider of LLM-backed tools and services: ``WORKER_MODE=llm`` uses ``LLM_PROVIDER``;
    ``mock`` (default) stays offline."""
    return get_provider("mock" if settings.WORKER_MODE == "mock" else None)


def openai_provider(
    *, model: str | None = None, timeout_s: float | None = None, max_retries: int | None = None
) -> OpenAIProvider:
    """The endpoint and key of ``OPENAI_*``; model, timeout and retries from ``OPENAI_*`` unless
    given (a second use, such as an evaluator, may pick its own)."""
    from tools.llm.openai_provider import OpenAIProvider

    return OpenAIProvider(
        model=model or settings.OPENAI_MODEL,
        api_key=settings.OPENAI_API_KEY,
        base_url=settings.OPENAI_BASE_URL or None,
        timeout_s=settings.OPENAI_TIMEOUT_S if timeout_s is None else timeout_s,
        max_retries=settings.OPENAI_MAX_RETRIES if max_retries is None else max_retries,
        prices=settings.AWE_LLM_PRICES,
    )
