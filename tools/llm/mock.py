"""The mock provider: deterministic and offline. It answers from what it is asked."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from tools.llm.base import LLMResult, Message, Usage


class MockProvider:
    """Text: a deterministic echo of the last user message. JSON: the example the last user
    message carries in a ```json block (callers put their deterministic answer there), else the
    smallest value that matches the schema."""

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
        if "```json" in prompt:
            data = json.loads(prompt.split("```json", 1)[1].split("```", 1)[0])
        else:
            data = skeleton(json_schema, digest)
        text = json.dumps(data)
        return LLMResult(text=text, usage=Usage(self.name, "mock", usage.tokens_in, len(text.split())), data=data)


def skeleton(schema: dict[str, Any], seed: str = "mock") -> Any:
    """The smallest value of a JSON Schema's type: required properties filled, enums' first value."""
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    for key in ("anyOf", "oneOf"):
        if schema.get(key):
            return skeleton(schema[key][0], seed)
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = kind[0]
    if kind == "object":
        props = schema.get("properties", {})
        return {name: skeleton(props.get(name, {}), seed) for name in schema.get("required", [])}
    if kind == "array":
        return [skeleton(schema.get("items", {}), seed) for _ in range(int(schema.get("minItems", 0)))]
    if kind == "string":
        return (f"{seed} " * max(1, int(schema.get("minLength", 0)))).strip()[
            : max(int(schema.get("maxLength", 64)), 1)
        ]
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    return None
