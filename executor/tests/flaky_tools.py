"""Test-only tools, loaded with AWE_TOOL_MODULES=executor.tests.flaky_tools."""

from __future__ import annotations

import os
import signal
import time
from typing import Literal

from pydantic import BaseModel, Field

from tools.errors import PermanentToolError, TransientToolError
from tools.registry import tool
from tools.spec import ToolContext


class FlakyIn(BaseModel):
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    fail_times: int = Field(ge=0, le=10)
    error: Literal["transient", "permanent"] = "transient"


class FlakyOut(BaseModel):
    calls: int


@tool("test.flaky", input=FlakyIn, output=FlakyOut, timeout_s=10)
def flaky(inp: FlakyIn, ctx: ToolContext) -> FlakyOut:
    """Fail the first fail_times calls (counted in a workspace file), then succeed."""
    counter = ctx.workspace / f".calls-{inp.key}"
    calls = int(counter.read_text()) + 1 if counter.exists() else 1
    counter.write_text(str(calls))
    if calls <= inp.fail_times:
        error = TransientToolError if inp.error == "transient" else PermanentToolError
        raise error(f"{inp.key}: planned failure {calls} of {inp.fail_times}")
    return FlakyOut(calls=calls)


class EffectIn(BaseModel):
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    seconds: float = Field(ge=0, le=60)


class EffectOut(BaseModel):
    lines: int


@tool("test.effect", input=EffectIn, output=EffectOut, timeout_s=60)
def effect(inp: EffectIn, ctx: ToolContext) -> EffectOut:
    """Work for some seconds, then append one line to effects-<key>.log: the visible effect."""
    deadline = time.monotonic() + inp.seconds
    while time.monotonic() < deadline:
        time.sleep(0.05)
    log = ctx.workspace / f"effects-{inp.key}.log"
    with log.open("a") as fh:
        fh.write("done\n")
    return EffectOut(lines=len(log.read_text().splitlines()))


class BinaryIn(BaseModel):
    fail: bool = False


class BinaryOut(BaseModel):
    text: str
    fields: dict[str, str]


@tool("test.binary", input=BinaryIn, output=BinaryOut, timeout_s=10)
def binary(inp: BinaryIn, ctx: ToolContext) -> BinaryOut:
    """Return, or fail with, text that PostgreSQL cannot store as it is: NUL characters (binary data
    read as text) and a lone surrogate (a file name that is not UTF-8, read by Python)."""
    if inp.fail:
        raise PermanentToolError("bad byte \x00 in caf\udce9.txt")
    return BinaryOut(text="a\x00b", fields={"k\x00": "caf\udce9.txt"})


class CrashIn(BaseModel):
    pass


class CrashOut(BaseModel):
    crashed: bool


@tool("test.crash", input=CrashIn, output=CrashOut, timeout_s=10)
def crash(inp: CrashIn, ctx: ToolContext) -> CrashOut:
    """Kill the worker process that runs it, every time (a tool that segfaults or is OOM-killed)."""
    os.kill(os.getpid(), signal.SIGKILL)
    return CrashOut(crashed=False)  # never reached
