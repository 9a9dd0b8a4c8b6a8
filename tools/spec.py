"""A tool is data plus a function: name, description, JSON Schemas, timeout and a handler."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

JSON = dict[str, Any]


class ArtifactSink(Protocol):
    """Saves bytes as a job artifact and returns its path relative to the artifact root."""

    def __call__(self, name: str, data: bytes, content_type: str) -> str: ...


def _no_artifacts(name: str, data: bytes, content_type: str) -> str:
    raise RuntimeError("this tool context cannot save artifacts")


@dataclass
class ToolContext:
    """What a tool may touch. Tools never import the ORM: the executor builds this for them."""

    job_id: str
    task_key: str
    workspace: Path
    save_artifact: ArtifactSink = _no_artifacts
    cancel_event: threading.Event = field(default_factory=threading.Event)
    is_cancelled: Callable[[], bool] = lambda: False
    # Called with each LLM call's usage; raises BudgetError when the job is over its budget.
    report_usage: Callable[[Any], None] = lambda usage: None

    def cancelled(self) -> bool:
        return self.cancel_event.is_set() or self.is_cancelled()


Handler = Callable[[JSON, ToolContext], JSON]


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    input_schema: JSON
    output_schema: JSON
    handler: Handler
    timeout_s: float = 60.0
    queue: str = "tools"

    def describe(self) -> JSON:
        """The public, JSON-serialisable description (API, CLI, planner prompt)."""
        return {
            "name": self.name,
            "description": self.description,
            "input_schema": self.input_schema,
            "output_schema": self.output_schema,
            "timeout_s": self.timeout_s,
            "queue": self.queue,
        }
