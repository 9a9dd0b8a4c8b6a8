"""The plan: a typed task DAG. One schema validates plans, documents the API and guides LLMs."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

TASK_ID = r"^[A-Za-z_][A-Za-z0-9_\-]{0,63}$"
REF_PATTERN = re.compile(r"^(?P<task>[A-Za-z_][A-Za-z0-9_\-]{0,63})\.output(?:\.(?P<path>.+))?$")


class PlanTask(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=TASK_ID, description="Plan-local id, unique in the plan")
    tool: str = Field(min_length=1, max_length=128, description="Registered tool name")
    title: str = Field(default="", max_length=200, description="Short human-readable title")
    inputs: dict[str, Any] = Field(
        default_factory=dict,
        description='Tool inputs; a value {"$ref": "<task>.output.<field>"} binds an upstream output',
    )
    depends_on: list[str] = Field(default_factory=list, description="Extra ordering constraints")
    max_attempts: int | None = Field(default=None, ge=1, le=20, description="Overrides AWE_MAX_ATTEMPTS")
    timeout_s: float | None = Field(default=None, gt=0, le=3600, description="Overrides the tool's timeout")
    expected_output: str = Field(default="", max_length=2000, description="What this task should produce, in words")


class Plan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tasks: list[PlanTask] = Field(min_length=1, description="The DAG's nodes")


def iter_refs(value: Any) -> list[str]:
    """Every ``$ref`` string inside an input value, however deeply nested."""
    found: list[str] = []
    if isinstance(value, dict):
        if set(value) == {"$ref"} and isinstance(value["$ref"], str):
            found.append(value["$ref"])
        else:
            for item in value.values():
                found.extend(iter_refs(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(iter_refs(item))
    return found


def parse_ref(ref: str) -> tuple[str, list[str]] | None:
    """``"a.output.x.y"`` → ``("a", ["x", "y"])``; ``None`` when the string is not a ref."""
    match = REF_PATTERN.match(ref)
    if match is None:
        return None
    path = match.group("path")
    return match.group("task"), (path.split(".") if path else [])


def dependencies(task: PlanTask) -> list[str]:
    """Explicit ``depends_on`` plus the tasks its ``$ref`` inputs bind, without duplicates."""
    deps = list(dict.fromkeys(task.depends_on))
    for ref in iter_refs(task.inputs):
        parsed = parse_ref(ref)
        if parsed and parsed[0] not in deps:
            deps.append(parsed[0])
    return deps
