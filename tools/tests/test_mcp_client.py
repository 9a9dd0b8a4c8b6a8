"""The MCP client: configuration, discovery, per-call sessions, timeouts and error classes."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import anyio
import httpx2
import pytest
from django.core.exceptions import ImproperlyConfigured
from mcp.shared.exceptions import MCPError
from mcp_types import CONNECTION_CLOSED, INTERNAL_ERROR

from planner.validate import PlanInvalid, validate_plan
from tools import registry
from tools.errors import PermanentToolError, TransientToolError
from tools.mcp_client import ServerConfig, call_tool, discover, parse_servers
from tools.mcp_client.session import classify
from tools.runtime import invoke
from tools.spec import ToolContext, ToolSpec

ROOT = Path(__file__).resolve().parents[2]
HANG = ServerConfig(
    name="hang", transport="stdio", command=[sys.executable, "-m", "tools.tests.hanging_mcp_server"], timeout_s=2
)
BROKEN = ServerConfig(
    name="broken", transport="stdio", command=[sys.executable, "-c", "import sys; sys.exit('no config here')"]
)


@pytest.fixture(scope="module")
def hang_tools() -> dict[str, ToolSpec]:
    return {spec.name: spec for spec in discover([HANG])}


@pytest.fixture
def ctx(tmp_path: Path) -> ToolContext:
    return ToolContext(job_id="job", task_key="t", workspace=tmp_path)


# --- configuration ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        {"name": "x"},
        [{"name": "x", "transport": "stdio"}],
        [{"name": "x", "transport": "http", "url": "ftp://host"}],
        [{"name": "Bad.Name", "transport": "stdio", "command": ["x"]}],
        [{"name": "x", "transport": "stdio", "command": ["x"], "timeout_s": 0}],
        [{"name": "x", "transport": "stdio", "command": ["x"], "colour": "red"}],
    ],
)
def test_a_malformed_server_list_is_refused_naming_the_setting(value: object) -> None:
    with pytest.raises(ImproperlyConfigured, match="AWE_MCP_SERVERS"):
        parse_servers(value)


def test_two_servers_cannot_share_a_name() -> None:
    server = {"name": "x", "transport": "http", "url": "http://127.0.0.1:1/mcp"}
    with pytest.raises(ImproperlyConfigured, match="AWE_MCP_SERVERS names a server twice: x"):
        parse_servers([server, server])


def test_defaults_and_an_empty_list() -> None:
    (server,) = parse_servers([{"name": "x", "transport": "http", "url": "http://127.0.0.1:1/mcp"}])
    assert (server.timeout_s, server.connect_timeout_s, server.env, server.inherit_env) == (60, 10, {}, False)
    assert parse_servers([]) == ()
    assert discover([]) == []


@pytest.mark.parametrize("value", ['[{"name": "x"', '[{"name": "x", "transport": "carrier-pigeon"}]'])
def test_a_bad_value_stops_start_up_with_a_message_naming_the_setting(value: str, tmp_path: Path) -> None:
    env = {**os.environ, "AWE_DATA_DIR": str(tmp_path), "AWE_MCP_SERVERS": value}
    done = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
    assert "AWE_MCP_SERVERS" in done.stderr.strip().splitlines()[-1]


# --- discovery ----------------------------------------------------------------------------------


def test_a_server_that_cannot_start_is_skipped_with_its_reason_and_the_others_register(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="tools.mcp_client.discovery"):
        specs = discover([BROKEN, HANG])
    assert sorted(spec.name for spec in specs) == ["mcp.hang.refuse", "mcp.hang.shout", "mcp.hang.sleep_forever"]
    (record,) = [r for r in caplog.records if "'broken' skipped" in r.getMessage()]
    assert "no config here" in record.getMessage()  # the server's own stderr says why


def test_a_plan_naming_a_skipped_servers_tool_is_invalid(hang_tools: dict[str, ToolSpec]) -> None:
    validate_plan({"tasks": [{"id": "a", "tool": "mcp.hang.shout", "inputs": {"text": "hi"}}]}, hang_tools, max_tasks=5)
    with pytest.raises(PlanInvalid, match=r"unknown tool 'mcp\.broken\.anything'"):
        validate_plan({"tasks": [{"id": "a", "tool": "mcp.broken.anything", "inputs": {}}]}, hang_tools, max_tasks=5)


def test_discovered_specs_carry_the_servers_schemas_and_the_mcp_queue(hang_tools: dict[str, ToolSpec]) -> None:
    spec = hang_tools["mcp.hang.sleep_forever"]
    assert spec.queue == "mcp" and spec.timeout_s == 2
    assert spec.input_schema["required"] == ["pid_file"]
    assert spec.output_schema["properties"] == {"result": {"title": "Result", "type": "string"}}
    assert spec.description.startswith("Write this server's process id")
    # No output schema on the server: a permissive object schema.
    assert hang_tools["mcp.hang.shout"].output_schema["additionalProperties"] is True


def test_discovery_runs_once_on_the_first_lookup_that_needs_it(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    spec = ToolSpec("lazy.one", "A lazy tool.", {"type": "object"}, {"type": "object"}, lambda i, c: {})

    def load() -> list[ToolSpec]:
        calls.append(1)
        time.sleep(0.2)  # slow, as a server is: concurrent lookups wait for it
        return [spec]

    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    monkeypatch.setattr(registry, "_LAZY", {"lazy.": load})
    assert registry.get("core.write_file") is not None and calls == []  # another prefix: not needed
    found: list[ToolSpec | None] = []
    threads = [threading.Thread(target=lambda: found.append(registry.get("lazy.one"))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == [spec] * 4 and calls == [1]
    assert "lazy.one" in registry.catalogue() and registry.get("lazy.two") is None and calls == [1]


def test_servers_that_did_not_answer_are_asked_again_later(monkeypatch: pytest.MonkeyPatch) -> None:
    import tools.mcp_client as mcp_client

    up, late = (ServerConfig(name=n, transport="http", url=f"http://127.0.0.1:9/{n}") for n in ("up", "late"))
    asked: list[list[str]] = []

    def fake_discover(servers: list[ServerConfig]) -> list[ToolSpec]:
        asked.append([server.name for server in servers])
        answering = [s for s in servers if s.name == "up" or len(asked) > 1]  # "late" starts after a while
        return [
            ToolSpec(f"mcp.{s.name}.ping", "Ping.", {"type": "object"}, {"type": "object"}, lambda i, c: {})
            for s in answering
        ]

    monkeypatch.setattr(mcp_client, "discover", fake_discover)
    monkeypatch.setattr(mcp_client, "RETRY_S", 0.3)
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    monkeypatch.setattr(registry, "_LAZY", {})
    registry.register_lazy("mcp.", mcp_client.loader([up, late]))
    assert "mcp.up.ping" in registry.catalogue() and registry.get("mcp.late.ping") is None
    assert asked == [["up", "late"]]  # too early to ask again
    time.sleep(0.35)
    assert "mcp.late.ping" in registry.catalogue()
    assert asked == [["up", "late"], ["late"]]
    assert registry._LAZY == {}  # everyone answered: nothing left to ask
    registry.catalogue()
    assert len(asked) == 2


# --- calls --------------------------------------------------------------------------------------


def test_structured_and_text_results(hang_tools: dict[str, ToolSpec], ctx: ToolContext) -> None:
    assert invoke(hang_tools["mcp.hang.shout"], {"text": "hi"}, ctx) == {"text": "HI"}


def test_an_error_result_is_a_permanent_error_with_the_servers_message(
    hang_tools: dict[str, ToolSpec], ctx: ToolContext
) -> None:
    with pytest.raises(PermanentToolError, match=r"mcp\.hang\.refuse: .*no such invoice"):
        invoke(hang_tools["mcp.hang.refuse"], {"reason": "no such invoice"}, ctx)


def test_a_hung_server_is_a_transient_error_within_its_budget_and_is_stopped(
    hang_tools: dict[str, ToolSpec], ctx: ToolContext, tmp_path: Path
) -> None:
    pid_file = tmp_path / "pid"
    started = time.monotonic()
    with pytest.raises(TransientToolError, match="sleep_forever"):
        invoke(hang_tools["mcp.hang.sleep_forever"], {"pid_file": str(pid_file)}, ctx)
    assert time.monotonic() - started < HANG.timeout_s + 5  # the calling thread is free again
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(pid), "the hung stdio server was not stopped"


def test_the_client_bounds_a_call_even_without_the_runtime(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(TransientToolError, match="no answer in 2 s"):
        call_tool(HANG, "sleep_forever", {"pid_file": str(tmp_path / "pid")})
    assert time.monotonic() - started < HANG.timeout_s + 5


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped) counts as stopped, and so does one reaped meanwhile.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.split(")")[-1].split()[0] != "Z"


class _Status(BaseHTTPRequestHandler):
    status = 503

    def do_POST(self) -> None:
        self.send_response(self.status)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"nope")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_status() -> Iterator[tuple[str, type[_Status]]]:
    handler = type("Handler", (_Status,), {})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/mcp", handler
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize(
    ("status", "error"), [(503, TransientToolError), (429, TransientToolError), (403, PermanentToolError)]
)
def test_http_status_decides_the_error_class(
    http_status: tuple[str, type[_Status]], status: int, error: type[Exception]
) -> None:
    url, handler = http_status
    handler.status = status
    server = ServerConfig(name="web", transport="http", url=url, timeout_s=5)
    with pytest.raises(error, match=rf"mcp\.web\.t: .*HTTP {status}"):
        call_tool(server, "t", {})


def test_a_refused_connection_is_transient() -> None:
    server = ServerConfig(name="web", transport="http", url="http://127.0.0.1:9/mcp", timeout_s=5)
    with pytest.raises(TransientToolError, match="ConnectError"):
        call_tool(server, "t", {})


@pytest.mark.parametrize(
    ("exc", "statuses", "error"),
    [
        (ExceptionGroup("g", [ExceptionGroup("h", [MCPError(CONNECTION_CLOSED, "Connection closed")])]), (), TransientToolError),
        (ExceptionGroup("g", [httpx2.ReadError("reset")]), (), TransientToolError),
        (ConnectionResetError("reset by peer"), (), TransientToolError),
        (anyio.BrokenResourceError(), (), TransientToolError),
        (MCPError(INTERNAL_ERROR, "Server returned an error response"), (200, 502), TransientToolError),
        (MCPError(INTERNAL_ERROR, "Server returned an error response"), (200, 404), PermanentToolError),
        (RuntimeError("Tool t has an output schema but did not return structured content"), (), PermanentToolError),
        (FileNotFoundError(2, "No such file or directory"), (), PermanentToolError),
    ],
)  # fmt: skip
def test_failures_are_classified(exc: BaseException, statuses: tuple[int, ...], error: type[Exception]) -> None:
    classified = classify("mcp.s.t", exc, statuses)
    assert type(classified) is error and classified.message.startswith("mcp.s.t: ")
