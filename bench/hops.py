"""Time stamps of each Celery message's life, for the hop breakdown of ``make bench``: loaded into
the benchmark's worker with AWE_TOOL_MODULES and active only when AWE_BENCH_HOPS_LOG names a file."""

from __future__ import annotations

import os
import time
from typing import Any

from celery import signals

LOG = os.environ.get("AWE_BENCH_HOPS_LOG", "")


def _stamp(kind: str, task_id: object) -> None:
    with open(LOG, "a") as out:
        out.write(f"{time.time():.6f} {kind} {task_id}\n")


if LOG:

    @signals.before_task_publish.connect(weak=False)
    def _publish(headers: dict[str, Any] | None = None, **_: Any) -> None:
        _stamp("publish", (headers or {}).get("id"))

    @signals.task_received.connect(weak=False)
    def _received(request: Any = None, **_: Any) -> None:
        _stamp("received", request.id)

    @signals.task_prerun.connect(weak=False)
    def _prerun(task_id: str = "", **_: Any) -> None:
        _stamp("prerun", task_id)


def read(path: str) -> dict[str, dict[str, float]]:
    """``{celery task id: {kind: first time stamp}}``."""
    stamps: dict[str, dict[str, float]] = {}
    with open(path) as lines:
        for line in lines:
            at, kind, task_id = line.split()
            stamps.setdefault(task_id, {}).setdefault(kind, float(at))
    return stamps
