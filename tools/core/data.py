"""Data tools: query and reshape JSON or YAML with a JMESPath expression."""

from __future__ import annotations

import json
from typing import Any

import jmespath
import yaml
from jmespath.exceptions import JMESPathError
from pydantic import BaseModel, ConfigDict, Field

from tools.errors import PermanentToolError
from tools.paths import safe_join
from tools.registry import tool
from tools.spec import ToolContext

MAX_DATA_FILE_BYTES = 10 * 1024 * 1024
_PARSERS = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}


class JsonQueryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expression: str = Field(min_length=1, max_length=10_000, description="JMESPath expression, e.g. items[?done].name")
    data: Any = Field(default=None, description="Inline JSON value to query (or give path)")
    path: str | None = Field(
        default=None, min_length=1, max_length=512, description="Workspace .json, .yaml or .yml file to query"
    )


class JsonQueryOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    result: Any


def _load(ctx: ToolContext, path: str) -> Any:
    """The JSON value in a workspace .json/.yaml/.yml file (YAML dates become strings)."""
    target = safe_join(ctx.workspace, path)
    kind = _PARSERS.get(target.suffix.lower())
    if kind is None:
        raise PermanentToolError(f"{path!r} is not a .json, .yaml or .yml file", field="path")
    if not target.is_file():
        raise PermanentToolError(f"no file {path!r} in the workspace", field="path")
    if target.stat().st_size > MAX_DATA_FILE_BYTES:
        raise PermanentToolError(f"{path!r} is over {MAX_DATA_FILE_BYTES} bytes", field="path")
    text = target.read_text(encoding="utf-8", errors="replace")
    try:
        if kind == "json":
            return json.loads(text)
        return json.loads(json.dumps(yaml.safe_load(text), default=str))
    except (ValueError, TypeError, yaml.YAMLError) as exc:
        raise PermanentToolError(f"{path!r} is not valid {kind.upper()}: {exc}", field="path") from exc


@tool("core.json_query", input=JsonQueryIn, output=JsonQueryOut, timeout_s=30)
def json_query(inp: JsonQueryIn, ctx: ToolContext) -> JsonQueryOut:
    """Extract or reshape JSON or YAML data with a JMESPath expression.

    The data is inline (data) or a workspace .json, .yaml or .yml file (path)."""
    inline = "data" in inp.model_fields_set
    if inline == (inp.path is not None):
        raise PermanentToolError("give exactly one of data or path", field="path" if inline else "data")
    try:
        compiled = jmespath.compile(inp.expression)
    except JMESPathError as exc:
        raise PermanentToolError(f"expression is not valid JMESPath: {exc}", field="expression") from exc
    value = inp.data if inp.path is None else _load(ctx, inp.path)
    try:
        return JsonQueryOut(result=compiled.search(value))
    except JMESPathError as exc:
        raise PermanentToolError(f"expression failed on this data: {exc}", field="expression") from exc
