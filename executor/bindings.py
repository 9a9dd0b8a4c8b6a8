"""Input binding: replace ``{"$ref": "a.output.x"}`` values with upstream outputs (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from planner.schema import parse_ref
from tools.errors import PermanentToolError


def lookup(outputs: Mapping[str, Any], ref: str) -> Any:
    parsed = parse_ref(ref)
    if parsed is None:
        raise PermanentToolError(f"{ref!r} is not a valid reference")
    source, path = parsed
    if source not in outputs:
        raise PermanentToolError(f"{ref!r}: task {source!r} has no output")
    value = outputs[source]
    for part in path:
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            raise PermanentToolError(f"{ref!r}: the output of {source!r} has no field {part!r}")
    return value


def bind(value: Any, outputs: Mapping[str, Any]) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$ref"} and isinstance(value["$ref"], str):
            return lookup(outputs, value["$ref"])
        return {k: bind(v, outputs) for k, v in value.items()}
    if isinstance(value, list):
        return [bind(v, outputs) for v in value]
    return value
