"""The provider interface. Implementations: ``mock`` (deterministic, offline) and ``openai``
(any OpenAI-compatible endpoint through the ``openai`` SDK)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from tools.errors import ToolError

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class Message:
    role: Role
    content: str


@dataclass(frozen=True)
class Usage:
    provider: str
    model: str
    tokens_in: int = 0
    tokens_out: int = 0
    latency_s: float = 0.0
    cost_usd: float = 0.0


@dataclass(frozen=True)
class LLMResult:
    text: str
    usage: Usage
    data: Any = None  # parsed JSON when a schema was requested
    extra: dict[str, Any] = field(default_factory=dict)


class LLMError(ToolError):
    """An LLM call failed; its ``error_class`` (transient / permanent / budget) drives retries."""


class LLMProvider(Protocol):
    name: str

    def complete(
        self,
        messages: list[Message],
        *,
        json_schema: dict[str, Any] | None = None,
        schema_name: str = "result",
        max_tokens: int | None = None,
        temperature: float = 0.0,
    ) -> LLMResult:
        """One completion. With ``json_schema`` the reply is JSON matching it (``data``)."""
        ...
