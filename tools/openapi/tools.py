"""The openapi tool family: an OpenAPI 3.1 spec from a description, written by the LLM and
checked by openapi-spec-validator; the errors go back to the LLM until the spec is valid."""

from __future__ import annotations

import json
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from tools.errors import CancelledError, PermanentToolError
from tools.llm.base import Message
from tools.llm.providers import worker_provider
from tools.openapi import summary
from tools.openapi.check import errors
from tools.openapi.draft import draft
from tools.paths import safe_join
from tools.registry import tool
from tools.spec import ToolContext

SPEC_PATH, SUMMARY_PATH = "openapi.yaml", "openapi-summary.md"
YAML_CONTENT_TYPE, MARKDOWN_CONTENT_TYPE = "application/yaml", "text/markdown"
# The shape asked of the LLM; the full OpenAPI 3.1 rules are checked by the validator.
SHAPE: dict[str, Any] = {
    "type": "object",
    "required": ["openapi", "info", "paths"],
    "properties": {
        "openapi": {"type": "string", "description": "3.1.0"},
        "info": {"type": "object"},
        "paths": {"type": "object"},
        "components": {"type": "object"},
    },
}
SYSTEM = (
    "You design HTTP APIs. Answer with one JSON object that is a complete, valid OpenAPI 3.1.0 "
    "document: info with title and version, paths with operationIds, request bodies and responses, "
    "and reusable schemas under components/schemas. Use only local '#/components/...' references."
)


class GenerateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = Field(min_length=1, max_length=20_000, description="What the API is for")
    title: str = Field(default="", max_length=200, description="The API's title (info.title)")
    max_rounds: int = Field(default=3, ge=1, le=10, description="LLM attempts before giving up")


class Operation(BaseModel):
    method: str
    path: str
    operation_id: str
    summary: str


class GenerateOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    valid: bool
    rounds: int = Field(description="LLM attempts used (1 = valid at the first try)")
    paths: int
    operations: list[Operation]
    schemas: list[str]
    spec_path: str
    summary_path: str
    artifacts: list[str]


def _prompt(inp: GenerateIn) -> str:
    example = json.dumps(draft(inp.description, inp.title), indent=1)
    title = f"Title: {inp.title}\n\n" if inp.title else ""
    return (
        f"Write the OpenAPI 3.1 specification for this API.\n\n{title}Description:\n{inp.description}\n\n"
        f"A plain starting draft to improve on:\n```json\n{example}\n```"
    )


def _valid_spec(inp: GenerateIn, ctx: ToolContext) -> tuple[dict[str, Any], int]:
    """Ask, validate, send the errors back; the valid spec and the rounds it took."""
    provider = worker_provider()
    messages = [Message("system", SYSTEM), Message("user", _prompt(inp))]
    problems: list[str] = []
    for round_number in range(1, inp.max_rounds + 1):
        if ctx.cancelled():
            raise CancelledError("openapi.generate: cancelled")
        result = provider.complete(messages, json_schema=SHAPE, schema_name="openapi")
        ctx.report_usage(result.usage)
        problems = errors(result.data) if result.data is not None else ["(root): the answer is not JSON"]
        if not problems:
            return result.data, round_number
        listed = "\n".join(f"- {p}" for p in problems)
        messages += [
            Message("assistant", result.text[:100_000]),
            Message("user", f"This is not valid OpenAPI 3.1:\n{listed}\nAnswer with the whole corrected spec."),
        ]
    raise PermanentToolError(
        f"openapi.generate: no valid OpenAPI 3.1 spec after {inp.max_rounds} rounds; last errors: "
        + "; ".join(problems),
        field="description",
    )


def _write(ctx: ToolContext, path: str, data: bytes, content_type: str) -> str:
    target = safe_join(ctx.workspace, path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return ctx.save_artifact(path, data, content_type)


@tool("openapi.generate", input=GenerateIn, output=GenerateOut, timeout_s=300, queue="llm")
def generate(inp: GenerateIn, ctx: ToolContext) -> GenerateOut:
    """Write an OpenAPI 3.1 spec for an API description with the LLM, validated with
    openapi-spec-validator (errors are fed back until it is valid); saves openapi.yaml and a
    short openapi-summary.md (paths, operations, schemas) as artifacts."""
    spec, rounds = _valid_spec(inp, ctx)
    text = yaml.safe_dump(spec, sort_keys=False, allow_unicode=True, width=120)
    artifacts = [
        _write(ctx, SPEC_PATH, text.encode(), YAML_CONTENT_TYPE),
        _write(ctx, SUMMARY_PATH, summary.to_markdown(spec).encode(), MARKDOWN_CONTENT_TYPE),
    ]
    return GenerateOut(
        valid=True,
        rounds=rounds,
        paths=len(spec.get("paths") or {}),
        operations=[Operation(**op) for op in summary.operations(spec)],
        schemas=summary.schema_names(spec),
        spec_path=SPEC_PATH,
        summary_path=SUMMARY_PATH,
        artifacts=artifacts,
    )
