"""One MCP session per use: open (a new stdio subprocess or a new HTTP session), work, close.

Every session runs in a thread of its own with its own event loop (anyio), so a caller that is
itself inside an event loop, or a server that hangs, never blocks more than the time given.
Failures are classified here: timeouts, refused or reset connections and HTTP 429/5xx are
transient; an ``isError`` result, protocol and validation errors are permanent.
"""

from __future__ import annotations

import concurrent.futures
import os
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TextIO, TypeVar, cast

import anyio
import httpx2
from django.conf import settings
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from mcp_types import CONNECTION_CLOSED, REQUEST_TIMEOUT, CallToolResult, PaginatedRequestParams, TextContent, Tool

from observability import metrics, tracing
from tools.errors import CancelledError, PermanentToolError, ToolError, TransientToolError
from tools.mcp_client.config import ServerConfig
from tools.spec import JSON

T = TypeVar("T")
# Time the SDK may take to close a stdio server after a timeout: stdin closed, 2 s grace, SIGTERM, 2 s, SIGKILL.
TEARDOWN_S = 5.0
MAX_PAGES = 50
_TRANSIENT = (
    TimeoutError,
    ConnectionError,
    anyio.BrokenResourceError,
    anyio.ClosedResourceError,
    anyio.EndOfStream,
    httpx2.TimeoutException,
    httpx2.NetworkError,
    httpx2.RemoteProtocolError,
)


@dataclass
class Seen:
    """What one session saw, to explain its failure: HTTP statuses and a stdio server's stderr
    (kept in a temporary file until ``close``)."""

    statuses: list[int] = field(default_factory=list)
    stderr: TextIO | None = None

    async def record(self, response: httpx2.Response) -> None:
        self.statuses.append(response.status_code)

    def errlog(self) -> TextIO:
        temporary = tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace")  # noqa: SIM115 - see close()
        self.stderr = cast(TextIO, temporary)
        return self.stderr

    def stderr_tail(self, chars: int = 400) -> str:
        stderr = self.stderr
        if stderr is None or stderr.closed:
            return ""
        try:
            stderr.seek(0)
            tail = " ".join(stderr.read()[-chars:].split())
        except ValueError:  # closed meanwhile: the caller gave up on this session
            return ""
        return f" (server stderr: …{tail})" if tail else ""

    def close(self) -> None:
        if self.stderr is not None:
            self.stderr.close()


@asynccontextmanager
async def open_session(server: ServerConfig, seen: Seen) -> AsyncIterator[ClientSession]:
    """An initialised session with ``server``; everything it started is stopped on exit."""
    async with AsyncExitStack() as stack:
        if server.command is not None:
            # The built-in services read the worker's settings from its environment (inherit_env).
            env = {**(os.environ if server.inherit_env else {}), **server.env}
            params = StdioServerParameters(
                command=server.command[0],
                args=list(server.command[1:]),
                env=env,
                cwd=server.cwd or str(settings.BASE_DIR),
            )
            read, write = await stack.enter_async_context(stdio_client(params, errlog=seen.errlog()))
        else:
            assert server.url is not None  # the config checks it
            http = await stack.enter_async_context(
                httpx2.AsyncClient(
                    timeout=httpx2.Timeout(server.connect_timeout_s, read=server.timeout_s),
                    event_hooks={"response": [seen.record]},
                )
            )
            read, write = await stack.enter_async_context(streamable_http_client(server.url, http_client=http))
        session = await stack.enter_async_context(ClientSession(read, write))
        await session.initialize()
        yield session


async def list_tools(session: ClientSession) -> list[Tool]:
    tools: list[Tool] = []
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        page = await session.list_tools(params=PaginatedRequestParams(cursor=cursor) if cursor else None)
        tools.extend(page.tools)
        cursor = page.next_cursor
        if not cursor:
            break
    return tools


def run_in_thread(
    make: Callable[[], Awaitable[T]],
    limit_s: float,
    name: str,
    cancelled: Callable[[], bool] = lambda: False,
    stop: threading.Event | None = None,
) -> T:
    """Run a coroutine in a new thread with its own event loop; stop waiting after ``limit_s``.

    While waiting, the calling thread asks ``cancelled()`` (which may read the database, so it is
    asked here, never in the loop's thread) and sets ``stop`` for the coroutine to see."""
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
    future = pool.submit(anyio.run, make)
    deadline = time.monotonic() + limit_s
    try:
        while True:
            done, _ = concurrent.futures.wait([future], timeout=max(0.0, min(0.1, deadline - time.monotonic())))
            if done:
                return future.result()
            if stop is not None and not stop.is_set() and cancelled():
                stop.set()
            if time.monotonic() >= deadline:
                raise TransientToolError(f"{name}: no answer in {limit_s:g} s")
    finally:
        pool.shutdown(wait=False)


def call_tool(server: ServerConfig, tool: str, arguments: JSON, cancelled: Callable[[], bool] = lambda: False) -> JSON:
    """Call ``tool`` on ``server`` in a session of its own: its structured content, else ``{"text"}``."""
    name = f"mcp.{server.name}.{tool}"
    seen, stop = Seen(), threading.Event()

    async def call() -> CallToolResult | None:
        result: CallToolResult | None = None
        try:
            with anyio.fail_after(server.timeout_s):
                async with open_session(server, seen) as session, anyio.create_task_group() as group:
                    group.start_soon(_stop_when, stop, group.cancel_scope)
                    result = await session.call_tool(tool, arguments)
                    group.cancel_scope.cancel()
        except TimeoutError:
            raise TransientToolError(f"{name}: no answer in {server.timeout_s:g} s{seen.stderr_tail()}") from None
        return result

    started, outcome = time.perf_counter(), "ok"
    try:
        with tracing.span(f"mcp {server.name}.{tool}", mcp_server=server.name, mcp_tool=tool):
            result = run_in_thread(call, server.timeout_s + TEARDOWN_S, name, cancelled, stop)
            if result is None:
                raise CancelledError(f"{name}: cancelled")
            return output(name, result)
    except ToolError as exc:
        outcome = exc.error_class
        raise
    except Exception as exc:
        failure = classify(name, exc, seen.statuses, seen.stderr_tail())
        outcome = failure.error_class
        raise failure from exc
    finally:
        seen.close()
        metrics.observe_mcp_call(server.name, tool, str(outcome), time.perf_counter() - started)


async def _stop_when(stop: threading.Event, scope: anyio.CancelScope) -> None:
    """End the call (and a stdio server with it) when the job is cancelled or the runtime gave up."""
    while not stop.is_set():
        await anyio.sleep(0.05)
    scope.cancel()


def output(name: str, result: CallToolResult) -> JSON:
    text = "\n".join(block.text for block in result.content if isinstance(block, TextContent))
    if result.is_error:
        raise PermanentToolError(f"{name}: {text or 'the server reported an error'}")
    content: Any = result.structured_content
    if content is None:
        return {"text": text}
    return dict(content) if isinstance(content, dict) else {"result": content}


def classify(name: str, exc: BaseException, statuses: Sequence[int] = (), detail: str = "") -> ToolError:
    """The ``ToolError`` for a failed session (exception groups are searched leaf by leaf)."""
    leaves = list(_leaves(exc))
    for leaf in leaves:
        if isinstance(leaf, ToolError):
            return leaf
    transient = next((leaf for leaf in leaves if _is_transient(leaf, statuses)), None)
    chosen = transient or leaves[0]
    message = f"{name}: {_describe(chosen, statuses)}{detail}"
    return TransientToolError(message) if transient is not None else PermanentToolError(message)


def _leaves(exc: BaseException) -> Iterator[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            yield from _leaves(inner)
    else:
        yield exc


def _is_transient(exc: BaseException, statuses: Sequence[int]) -> bool:
    if isinstance(exc, _TRANSIENT):
        return True
    if isinstance(exc, MCPError):
        # The SDK turns an HTTP error status into a JSON-RPC error: the status decides.
        return exc.code in (CONNECTION_CLOSED, REQUEST_TIMEOUT) or any(s == 429 or s >= 500 for s in statuses)
    return False


def _describe(exc: BaseException, statuses: Sequence[int]) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    http = next((s for s in statuses if s >= 400), None)
    suffix = f" (HTTP {http})" if http is not None else ""
    if isinstance(exc, MCPError):
        return f"MCP error {exc.code}: {exc.message}{suffix}"
    return f"{type(exc).__name__}: {exc}{suffix}"
