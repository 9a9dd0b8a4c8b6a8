"""Control tools: pauses that plans can use, which stop early when the job is cancelled."""

from __future__ import annotations

import time

from pydantic import BaseModel, ConfigDict, Field

from tools.errors import CancelledError
from tools.registry import tool
from tools.spec import ToolContext

_TICK_S = 0.05


class WaitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seconds: float = Field(ge=0, le=600, description="How long to wait, 0 to 600 seconds")


class WaitOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    waited_s: float


@tool("core.wait", input=WaitIn, output=WaitOut, timeout_s=660)
def wait(inp: WaitIn, ctx: ToolContext) -> WaitOut:
    """Pause for a number of seconds (0 to 600); stops early if the job is cancelled."""
    start = time.monotonic()
    deadline = start + inp.seconds
    while (now := time.monotonic()) < deadline:
        if ctx.cancelled():
            raise CancelledError("core.wait: cancelled")
        time.sleep(min(_TICK_S, deadline - now))
    return WaitOut(waited_s=round(time.monotonic() - start, 3))
