"""Fixtures shared by the tool families' tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from planner.tests.openai_stub import openai_stub


@pytest.fixture
def worker_llm(settings: Any) -> Iterator[Callable[[list[dict[str, Any]]], Any]]:
    """``worker_llm(script)`` points the worker's LLM (``WORKER_MODE=llm``) at a local
    OpenAI-compatible server that answers ``script`` in order; returns the server."""
    with ExitStack() as stack:

        def start(script: list[dict[str, Any]]) -> Any:
            stub = stack.enter_context(openai_stub(script))
            settings.WORKER_MODE, settings.LLM_PROVIDER = "llm", "openai"
            settings.OPENAI_BASE_URL, settings.OPENAI_API_KEY, settings.OPENAI_MAX_RETRIES = stub.url, "sk-test", 0
            return stub

        yield start
