"""Any OpenAI-compatible endpoint through the ``openai`` SDK."""

from __future__ import annotations

import json
import time
from typing import Any

import openai

from observability import tracing
from tools.errors import ErrorClass
from tools.llm.base import LLMError, LLMResult, Message, Usage

# A reply larger than this is refused before it is parsed or stored.
MAX_REPLY_CHARS = 200_000


class PermanentLLMError(LLMError):
    error_class = ErrorClass.PERMANENT


class TransientLLMError(LLMError):
    error_class = ErrorClass.TRANSIENT


class OpenAIProvider:
    name = "openai"

    def __init__(
        self, *, model: str, api_key: str, base_url: str | None, timeout_s: float, max_retries: int,
        prices: dict[str, Any] | None = None,
    ) -> None:  # fmt: skip
        self.model = model
        self.prices = prices or {}
        self.client = openai.OpenAI(
            api_key=api_key or "not-set", base_url=base_url, timeout=timeout_s, max_retries=max_retries
        )

    def complete(
        self,
        messages: list[Message],
        *,
        json_schema: dict[str, Any] | None = None,
        schema_name: str = "result",
        max_tokens: int | None = None,
        temperature: float = 0.0,
    ) -> LLMResult:
        payload = [{"role": m.role, "content": m.content} for m in messages]
        started = time.monotonic()
        response_format: dict[str, Any] | None = None
        if json_schema is not None:
            response_format = {
                "type": "json_schema",
                "json_schema": {"name": schema_name, "schema": json_schema, "strict": False},
            }
        # The SDK's HTTP client (httpx2) has no OpenTelemetry instrumentation: the call's own span.
        with tracing.span(f"llm openai {self.model}", llm_provider="openai", llm_model=self.model) as span:
            try:
                reply = self._create(payload, response_format, max_tokens, temperature)
            except openai.BadRequestError as exc:
                if response_format is None or "response_format" not in str(exc):
                    raise PermanentLLMError(f"openai: {exc}") from exc
                # The server does not do structured output: ask for plain JSON instead.
                reply = self._create(payload, {"type": "json_object"}, max_tokens, temperature)
            usage = self._usage(reply, time.monotonic() - started)
            if span is not None:
                span.set_attributes({"awe.llm_tokens_in": usage.tokens_in, "awe.llm_tokens_out": usage.tokens_out})
        text = reply.choices[0].message.content or "" if reply.choices else ""
        if len(text) > MAX_REPLY_CHARS:
            raise PermanentLLMError(f"openai: reply of {len(text)} characters is over the {MAX_REPLY_CHARS} limit")
        data = None
        if json_schema is not None:
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                return LLMResult(text=text, usage=usage, data=None, extra={"json_error": str(exc)})
        return LLMResult(text=text, usage=usage, data=data)

    def _create(
        self,
        messages: list[dict[str, str]],
        response_format: dict[str, Any] | None,
        max_tokens: int | None,
        temperature: float,
    ) -> Any:
        kwargs: dict[str, Any] = {"model": self.model, "messages": messages, "temperature": temperature}
        if response_format is not None:
            kwargs["response_format"] = response_format
        if max_tokens is not None:
            kwargs["max_tokens"] = max_tokens
        try:
            return self.client.chat.completions.create(**kwargs)
        except (
            openai.APITimeoutError,
            openai.APIConnectionError,
            openai.RateLimitError,
            openai.InternalServerError,
        ) as exc:
            raise TransientLLMError(f"openai: {type(exc).__name__}: {exc}") from exc
        except openai.BadRequestError:
            raise
        except openai.APIStatusError as exc:
            raise PermanentLLMError(f"openai: HTTP {exc.status_code}: {exc.message}") from exc

    def _usage(self, reply: Any, latency_s: float) -> Usage:
        tokens_in = int(getattr(reply.usage, "prompt_tokens", 0) or 0) if reply.usage else 0
        tokens_out = int(getattr(reply.usage, "completion_tokens", 0) or 0) if reply.usage else 0
        price = self.prices.get(self.model, {})
        cost = tokens_in / 1e6 * float(price.get("input_per_mtok", 0)) + tokens_out / 1e6 * float(
            price.get("output_per_mtok", 0)
        )
        return Usage(self.name, self.model, tokens_in, tokens_out, round(latency_s, 4), round(cost, 8))
