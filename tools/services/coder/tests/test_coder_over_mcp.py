"""The real coder server, as a subprocess over stdio and over streamable HTTP, used the way the
worker uses it: tools discovered as mcp.coder.* and called through tools.runtime.invoke."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.errors import PermanentToolError
from tools.mcp_client import ServerConfig, discover
from tools.runtime import invoke
from tools.spec import ToolContext, ToolSpec

ROOT = Path(__file__).resolve().parents[4]
CODER = [sys.executable, "-m", "tools.services.coder"]
TOOLS = {"plan_change", "write_files", "run", "diff", "implement"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the coder server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the coder server did not listen on {port} in {timeout} s")


@pytest.fixture(scope="module", params=["stdio", "http"])
def coder(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ToolSpec]]:
    """The coder's tools by name, discovered from a server on one transport."""
    workspaces = tmp_path_factory.mktemp(f"coder-{request.param}")
    proc = None
    if request.param == "stdio":
        server = ServerConfig(
            name="coder", transport="stdio", command=CODER, timeout_s=120, inherit_env=True,
            env={"CODER_WORKSPACE_DIR": str(workspaces)},
        )  # fmt: skip
    else:
        port = _free_port()
        proc = subprocess.Popen(
            [*CODER, "--transport", "http", "--port", str(port)],
            cwd=ROOT, env={**os.environ, "CODER_WORKSPACE_DIR": str(workspaces)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_for_port(port, proc)
        server = ServerConfig(name="coder", transport="http", url=f"http://127.0.0.1:{port}/mcp", timeout_s=120)
    try:
        yield {spec.name: spec for spec in discover([server])}
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)


@pytest.fixture
def ctx(tmp_path: Path) -> ToolContext:
    return ToolContext(job_id="job", task_key="t", workspace=tmp_path)


def test_the_coder_tools_are_discovered_with_their_schemas(coder: dict[str, ToolSpec]) -> None:
    assert set(coder) == {f"mcp.coder.{name}" for name in TOOLS}
    run = coder["mcp.coder.run"]
    assert run.queue == "mcp" and run.timeout_s == 120
    assert set(run.input_schema["required"]) == {"workspace", "command"}
    assert "exit_code" in run.output_schema["properties"]
    assert "pytest" in run.description


def test_write_files_run_pytest_and_diff_in_the_sandbox(coder: dict[str, ToolSpec], ctx: ToolContext) -> None:
    files = [
        {"path": "pkg/calc.py", "content": "def add(a, b):\n    return a + b\n"},
        {
            "path": "test_calc.py",
            "content": "from pkg.calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n",
        },
    ]
    written = invoke(coder["mcp.coder.write_files"], {"workspace": "calc", "files": files}, ctx)
    assert [f["path"] for f in written["files"]] == ["pkg/calc.py", "test_calc.py"]

    ran = invoke(coder["mcp.coder.run"], {"workspace": "calc", "command": ["pytest", "-q"], "timeout_s": 60}, ctx)
    assert ran["exit_code"] == 0, ran
    assert "1 passed" in ran["stdout"] and not ran["timed_out"] and ran["duration_s"] > 0

    failing = {
        "path": "test_calc.py",
        "content": "from pkg.calc import add\n\n\ndef test_add():\n    assert add(2, 2) == 5\n",
    }
    invoke(coder["mcp.coder.write_files"], {"workspace": "calc", "files": [failing]}, ctx)
    ran = invoke(coder["mcp.coder.run"], {"workspace": "calc", "command": ["pytest", "-q"]}, ctx)
    assert ran["exit_code"] == 1 and "1 failed" in ran["stdout"]

    diff = invoke(coder["mcp.coder.diff"], {"workspace": "calc"}, ctx)
    assert {f["path"]: f["change"] for f in diff["files"]} == {"pkg/calc.py": "added", "test_calc.py": "added"}
    assert "+++ b/pkg/calc.py" in diff["diff"] and "+    assert add(2, 2) == 5" in diff["diff"]


def test_a_program_outside_the_allow_list_is_refused_as_a_permanent_error(
    coder: dict[str, ToolSpec], ctx: ToolContext
) -> None:
    with pytest.raises(PermanentToolError, match=r"'bash' is not allowed"):
        invoke(coder["mcp.coder.run"], {"workspace": "calc", "command": ["bash", "-c", "id"]}, ctx)


def test_a_path_that_escapes_the_workspace_is_refused(coder: dict[str, ToolSpec], ctx: ToolContext) -> None:
    for path in ("../outside.py", "/etc/passwd-copy"):
        with pytest.raises(PermanentToolError, match="path"):
            invoke(coder["mcp.coder.write_files"], {"workspace": "esc", "files": [{"path": path, "content": "x"}]}, ctx)


def test_implement_plans_writes_tests_and_diffs_with_the_mock_llm(coder: dict[str, ToolSpec], ctx: ToolContext) -> None:
    usages: list[object] = []
    ctx.report_usage = usages.append
    out = invoke(coder["mcp.coder.implement"], {"request": "Add a function slugify(text) for URLs"}, ctx)
    assert out["passed"] is True and out["tests"]["exit_code"] == 0, out["tests"]
    assert [f["path"] for f in out["files"]] == ["slugify.py", "test_slugify.py"]
    assert "+def slugify(value: str) -> str:" in out["diff"]
    assert out["plan"]["steps"] and out["usage"]["provider"] == "mock"
    assert len(usages) == 1 and getattr(usages[0], "tokens_in", 0) > 0  # counted against the job's budget


def test_a_call_adds_no_log_line_per_request(
    coder: dict[str, ToolSpec], ctx: ToolContext, caplog: pytest.LogCaptureFixture
) -> None:
    """The HTTP client and the MCP SDK log each request and session at INFO: a worker at the
    default level would write two lines per tool call, so settings.LOGGING keeps them to warnings."""
    caplog.set_level(logging.INFO)
    invoke(coder["mcp.coder.write_files"], {"workspace": "quiet", "files": [{"path": "a.txt", "content": "a"}]}, ctx)
    chatter = [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.name.startswith(("httpx", "mcp"))]
    assert chatter == []
