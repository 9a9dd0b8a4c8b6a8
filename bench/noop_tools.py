"""A no-op tool and raw Celery tasks for the benchmarks (AWE_TOOL_MODULES=bench.noop_tools)."""

from __future__ import annotations

import time

from celery import shared_task
from pydantic import BaseModel

from tools.registry import tool
from tools.spec import ToolContext


class NoopIn(BaseModel):
    n: int = 0


class NoopOut(BaseModel):
    n: int


@tool("bench.noop", input=NoopIn, output=NoopOut, timeout_s=10)
def noop(inp: NoopIn, ctx: ToolContext) -> NoopOut:
    """Do nothing (benchmarks)."""
    return NoopOut(n=inp.n)


@shared_task(name="bench.raw_noop")
def raw_noop(n: int = 0) -> int:
    return n


@shared_task(name="bench.raw_wait")
def raw_wait(key: str, seconds: float, log: str) -> None:
    """Sleep like ``core.wait``, with no AWE around it, and note in ``log`` when it ran."""
    start = time.time()
    time.sleep(seconds)
    with open(log, "a") as out:
        out.write(f"{key} {start:.6f} {time.time():.6f}\n")
