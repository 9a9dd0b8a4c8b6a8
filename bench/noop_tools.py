"""A no-op tool and a raw Celery no-op task for the benchmarks (AWE_TOOL_MODULES=bench.noop_tools)."""

from __future__ import annotations

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
