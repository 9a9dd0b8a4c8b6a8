"""Helpers for tool tests: a ToolContext on a temporary workspace that records saved artifacts
and reported LLM usage, and a call through the runtime by tool name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools import registry
from tools.runtime import invoke
from tools.spec import ToolContext


class RecordingContext(ToolContext):
    saved: list[tuple[str, bytes, str]]
    usage: list[object]


def make_ctx(workspace: Path, task_key: str = "t") -> RecordingContext:
    saved: list[tuple[str, bytes, str]] = []
    usage: list[object] = []

    def save(name: str, data: bytes, content_type: str) -> str:
        saved.append((name, data, content_type))
        return f"job/{name}"

    context = RecordingContext(
        job_id="job", task_key=task_key, workspace=workspace, save_artifact=save, report_usage=usage.append
    )
    context.saved = saved
    context.usage = usage
    return context


def call(name: str, inputs: dict[str, Any], ctx: ToolContext, **kw: Any) -> dict[str, Any]:
    spec = registry.get(name)
    assert spec is not None, name
    return invoke(spec, inputs, ctx, **kw)
