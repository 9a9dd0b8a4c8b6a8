"""What a valid OpenAPI document offers, in a few lines: operations, paths and schemas."""

from __future__ import annotations

from typing import Any

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def operations(spec: dict[str, Any]) -> list[dict[str, str]]:
    """Every operation as method, path, operationId and summary, in document order."""
    found = []
    for path, item in (spec.get("paths") or {}).items():
        for method in METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if isinstance(operation, dict):
                found.append({
                    "method": method.upper(), "path": path,
                    "operation_id": str(operation.get("operationId", "")), "summary": str(operation.get("summary", "")),
                })  # fmt: skip
    return found


def schema_names(spec: dict[str, Any]) -> list[str]:
    return list(((spec.get("components") or {}).get("schemas") or {}).keys())


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def to_markdown(spec: dict[str, Any]) -> str:
    info = spec.get("info") or {}
    ops = operations(spec)
    lines = [
        f"# {info.get('title', 'API')} {info.get('version', '')}".rstrip(),
        "",
        f"OpenAPI {spec.get('openapi', '')}: {len(spec.get('paths') or {})} paths, {len(ops)} operations.",
        "",
        "## Operations",
        "",
        "| Method | Path | Operation | Summary |",
        "| --- | --- | --- | --- |",
        *(f"| {o['method']} | `{o['path']}` | {_cell(o['operation_id'])} | {_cell(o['summary'])} |" for o in ops),
        "",
        "## Schemas",
        "",
        *([f"- `{name}`" for name in schema_names(spec)] or ["(none)"]),
    ]
    return "\n".join(lines).rstrip("\n") + "\n"
