"""Choosing a provider from settings (``LLM_PROVIDER``)."""

from __future__ import annotations

from django.conf import settings

from tools.llm.base import LLMProvider
from tools.llm.mock import MockProvider
from tools.llm.openai_provider import OpenAIProvider

PROVIDERS = ("mock", "openai")


def get_provider(name: str | None = None) -> LLMProvider:
    chosen = name or settings.LLM_PROVIDER
    if chosen == "mock":
        return MockProvider()
    if chosen == "openai":
        return OpenAIProvider(
            model=settings.OPENAI_MODEL,
            api_key=settings.OPENAI_API_KEY,
            base_url=settings.OPENAI_BASE_URL or None,
            timeout_s=settings.OPENAI_TIMEOUT_S,
            max_retries=settings.OPENAI_MAX_RETRIES,
            prices=settings.AWE_LLM_PRICES,
        )
    raise ValueError(f"LLM_PROVIDER={chosen!r} is not one of {', '.join(PROVIDERS)}")
