"""The mock provider: deterministic and offline. It answers from what it is asked."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from tools.llm.base import LLMResult, Message, Usage


class MockProvider:
    """Text: a deterministic summary of the last user message. JSON: the first example the
    messages carry in a ```json block (callers put their deterministic answer there), else an
    empty object."""

    name = "mock"

    def complete(
        self,
        messages: list[Message],
        *,
        json_schema: dict[str, Any] | None = None,
        schema_name: str = "result",
        max_tokens: int | None = None,
        temperature: float = 0.0,
    ) -> LLMResult:
        prompt = next((m.content for m in reversed(messages) if m.role == "user"), "")
        digest = hashlib.sha256(prompt.encode()).hexdigest()[:8]
        usage = Usage(self.name, "mock", tokens_in=len(prompt.split()), tokens_out=0)
        if json_schema is None:
            text = f"[mock {digest}] " + " ".join(prompt.split()[:60])
            return LLMResult(text=text, usage=Usage(self.name, "mock", usage.tokens_in, len(text.split())))
        data: Any = {}
        if "```json" in prompt:
            block = prompt.split("```json", 1)[1].split("```", 1)[0]
            data = json.loads(block)
        text = json.dumps(data)
        return LLMResult(text=text, usage=Usage(self.name, "mock", usage.tokens_in, len(text.split())), data=data)
