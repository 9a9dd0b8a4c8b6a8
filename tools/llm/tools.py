"""The llm tool family: text, JSON and summaries from the provider chosen by ``WORKER_MODE``."""

from __future__ import annotations

from typing import Any

import jsonschema
from pydantic import BaseModel, ConfigDict, Field

from tools.errors import PermanentToolError
from tools.llm.base import Message
from tools.llm.providers import worker_provider
from tools.registry import tool
from tools.spec import ToolContext


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Usage(BaseModel):
    provider: str
    model: str
    tokens_in: int
    tokens_out: int
    cost_usd: float


def _usage(result: Any, ctx: ToolContext) -> Usage:
    """Report the call's usage to the job (budgets) and shape it for the tool's output."""
    u = result.usage
    ctx.report_usage(u)
    return Usage(
        provider=u.provider, model=u.model, tokens_in=u.tokens_in, tokens_out=u.tokens_out, cost_usd=u.cost_usd
    )


class TextIn(_In):
    prompt: str = Field(min_length=1, max_length=100_000)
    system: str = Field(default="You are a precise, helpful assistant.", max_length=20_000)
    max_tokens: int | None = Field(default=None, ge=1, le=32_000)


class TextOut(BaseModel):
    text: str
    usage: Usage


@tool("llm.generate_text", input=TextIn, output=TextOut, timeout_s=120, queue="llm")
def generate_text(inp: TextIn, ctx: ToolContext) -> TextOut:
    """Generate text for a prompt with the configured LLM."""
    result = worker_provider().complete(
        [Message("system", inp.system), Message("user", inp.prompt)], max_tokens=inp.max_tokens
    )
    return TextOut(text=result.text, usage=_usage(result, ctx))


class JsonIn(_In):
    prompt: str = Field(min_length=1, max_length=100_000)
    json_schema: dict[str, Any] = Field(description="JSON Schema the answer must match")


class JsonOut(BaseModel):
    data: Any
    usage: Usage


@tool("llm.generate_json", input=JsonIn, output=JsonOut, timeout_s=120, queue="llm")
def generate_json(inp: JsonIn, ctx: ToolContext) -> JsonOut:
    """Generate JSON matching a JSON Schema with the configured LLM."""
    result = worker_provider().complete([Message("user", inp.prompt)], json_schema=inp.json_schema)
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(inp.json_schema).iter_errors(result.data))
    if result.data is None or error is not None:
        raise PermanentToolError(
            f"llm.generate_json: the answer does not match the schema: {error.message if error else 'not JSON'}"
        )
    return JsonOut(data=result.data, usage=_usage(result, ctx))


class SummarizeIn(_In):
    text: str = Field(min_length=1, max_length=200_000)
    max_words: int = Field(default=120, ge=10, le=2000)


class SummarizeOut(BaseModel):
    summary: str
    usage: Usage


@tool("llm.summarize", input=SummarizeIn, output=SummarizeOut, timeout_s=120, queue="llm")
def summarize(inp: SummarizeIn, ctx: ToolContext) -> SummarizeOut:
    """Summarise a text in at most max_words words with the configured LLM."""
    prompt = f"Summarise in at most {inp.max_words} words:\n\n{inp.text}"
    result = worker_provider().complete([Message("user", prompt)])
    words = result.text.split()
    return SummarizeOut(summary=" ".join(words[: inp.max_words]), usage=_usage(result, ctx))
