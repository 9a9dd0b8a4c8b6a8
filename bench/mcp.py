"""MCP benchmark: the overhead of a no-op MCP tool over stdio and streamable HTTP next to the same
function called in-process, and the runtime's own overhead per call (validation, thread, caps)."""

from __future__ import annotations

import datetime
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SERVER = [sys.executable, "-m", "bench.mcp_noop_server"]
CALLS = 200
# Each stdio call starts a server process (~0.5 s of Python start-up and imports): fewer samples.
STDIO_CALLS = 40


def _ms(fn: Callable[[int], Any], calls: int) -> list[float]:
    samples = []
    for i in range(calls):
        started = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def _ms_async(fn: Callable[[int], Awaitable[Any]], calls: int) -> list[float]:
    samples = []
    for i in range(calls):
        started = time.perf_counter()
        await fn(i)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _row(label: str, samples: list[float]) -> str:
    p50, p95 = statistics.median(samples), statistics.quantiles(samples, n=20)[-1]
    return f"| {label} | {len(samples)} | {_fmt(p50)} | {_fmt(p95)} |"


def _fmt(ms: float) -> str:
    return f"{ms:.4f}" if ms < 1 else f"{ms:.1f}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_http() -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    proc = subprocess.Popen(
        [*SERVER, "--http", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc, f"http://127.0.0.1:{port}/mcp"
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the no-op MCP server did not start")


def _one_session(server: Any, calls: int) -> list[float]:
    """The SDK's round trip alone: one open session, many calls."""
    import anyio

    from tools.mcp_client.session import Seen, open_session

    async def measure() -> list[float]:
        seen = Seen()
        try:
            async with open_session(server, seen) as session:
                await session.list_tools()
                return await _ms_async(lambda i: session.call_tool("noop", {"n": i}), calls)
        finally:
            seen.close()

    return anyio.run(measure)


def main() -> list[str]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "awe_project.settings")
    import django

    django.setup()
    import bench.noop_tools  # noqa: F401 - registers bench.noop
    from bench.mcp_noop_server import noop
    from tools.mcp_client import ServerConfig, call_tool
    from tools.registry import get
    from tools.runtime import invoke
    from tools.spec import ToolContext

    spec = get("bench.noop")
    assert spec is not None
    ctx = ToolContext(job_id="bench", task_key="noop", workspace=Path("."))
    stdio = ServerConfig(name="noop", transport="stdio", command=SERVER, cwd=str(ROOT), timeout_s=30)
    proc, url = _start_http()
    try:
        http = ServerConfig(name="noop", transport="http", url=url, timeout_s=30)
        call_tool(http, "noop", {"n": 0})  # warm-up
        rows = {
            "function called in-process": _ms(lambda i: noop(i), CALLS),
            "ToolSpec handler called directly": _ms(lambda i: spec.handler({"n": i}, ctx), CALLS),
            "tools.runtime.invoke on the same ToolSpec": _ms(lambda i: invoke(spec, {"n": i}, ctx), CALLS),
            "MCP over HTTP, one open session (SDK round trip)": _one_session(http, CALLS),
            "MCP over stdio, one open session (SDK round trip)": _one_session(stdio, CALLS),
            "AWE MCP call over HTTP (new session per call)": _ms(lambda i: call_tool(http, "noop", {"n": i}), CALLS),
            "AWE MCP call over stdio (new server process per call)": _ms(
                lambda i: call_tool(stdio, "noop", {"n": i}), STDIO_CALLS
            ),
        }
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    runtime = statistics.median(rows["tools.runtime.invoke on the same ToolSpec"]) - statistics.median(
        rows["ToolSpec handler called directly"]
    )
    return [
        "## MCP call overhead (no-op tool; ms per call, sequential)",
        f"Measured on {datetime.date.today():%Y-%m-%d} (`python -m bench mcp`); every row in the same run and process.",
        "",
        "| path | calls | p50 ms | p95 ms |",
        "| --- | --- | --- | --- |",
        *(_row(label, samples) for label, samples in rows.items()),
        "",
        f"The runtime (input and output validation, its thread, redaction, the size cap) adds {runtime:.3f} ms per call",
        "(p50, invoke minus the handler). An AWE MCP call opens its own session each time, so its cost is the",
        "session's set-up — a server process per stdio call — not the protocol's round trip.",
        "",
    ]
