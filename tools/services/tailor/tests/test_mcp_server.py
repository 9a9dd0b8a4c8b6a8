"""The tailor server as a real subprocess, over stdio and streamable HTTP, through the MCP SDK's
ClientSession: tools listed with schemas, tailor_resume called, its DocumentSpec rendered to .docx."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import docx
import pytest
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from tools.documents.model import DocumentSpec
from tools.documents.render import to_docx
from tools.services.tailor.pipeline import TailoredResume
from tools.services.tailor.tests.helpers import JOB_POST, RESUME, RESUME_EMPLOYERS

ROOT = Path(__file__).resolve().parents[4]
SERVER = [sys.executable, "-m", "tools.services.tailor"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data = tmp_path_factory.mktemp("tailor-data")
    return {"AWE_DATA_DIR": str(data), "WORKER_MODE": "mock", "TAILOR_EVAL_MODE": "heuristic"}


@pytest.fixture(scope="module")
def http_url(env: dict[str, str]) -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [*SERVER, "--transport", "http", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, f"the tailor server exited with {proc.returncode}"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the tailor server did not listen in 30 s"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(params=["stdio", "http"])
def connect(request: pytest.FixtureRequest, env: dict[str, str]) -> Any:
    """An async context manager giving an initialised ClientSession on one transport."""

    @asynccontextmanager
    async def session() -> AsyncIterator[ClientSession]:
        if request.param == "stdio":
            transport = stdio_client(StdioServerParameters(command=SERVER[0], args=SERVER[1:], cwd=ROOT, env=env))
        else:
            transport = streamable_http_client(request.getfixturevalue("http_url"))
        async with transport as (read, write), ClientSession(read, write) as client:
            await client.initialize()
            yield client

    return session


def _run(connect: Any, work: Any) -> Any:
    async def main() -> Any:
        async with connect() as client:
            return await work(client)

    return anyio.run(main)


def test_the_tools_are_listed_with_input_and_output_schemas(connect):
    async def work(client: ClientSession) -> Any:
        return {t.name: t for t in (await client.list_tools()).tools}

    tools = _run(connect, work)
    assert set(tools) == {"tailor_resume", "cover_letter", "evaluate"}
    tailor = tools["tailor_resume"]
    assert set(tailor.input_schema["required"]) == {"resume", "job_description"}
    assert tailor.input_schema["properties"]["threshold"]["default"] == 0.8
    assert tailor.input_schema["properties"]["max_rounds"]["default"] == 3
    assert {"document", "markdown", "score", "rounds", "dropped_claims"} <= set(tailor.output_schema["properties"])
    assert {"score", "feedback"} <= set(tools["evaluate"].output_schema["properties"])
    assert "text" in tools["cover_letter"].output_schema["properties"]
    assert "never" in tailor.description.lower() or "not in the resume" in tailor.description


def test_tailor_resume_returns_a_document_that_renders_to_docx(connect):
    async def work(client: ClientSession) -> Any:
        return await client.call_tool("tailor_resume", {"resume": RESUME, "job_description": JOB_POST, "max_rounds": 2})

    result = _run(connect, work)
    assert not result.is_error, result.content
    tailored = TailoredResume.model_validate(result.structured_content)
    assert 0 < tailored.score <= 1 and tailored.rounds[0].round == 1
    opened = docx.Document(io.BytesIO(to_docx(DocumentSpec.model_validate(result.structured_content["document"]))))
    text = "\n".join(p.text for p in opened.paragraphs)
    assert opened.paragraphs[0].text == "Maria Keller"
    assert all(employer in text for employer in RESUME_EMPLOYERS[:2])


def test_cover_letter_and_evaluate_answer_with_structured_content(connect):
    async def work(client: ClientSession) -> Any:
        letter = await client.call_tool("cover_letter", {"resume": RESUME, "job_description": JOB_POST})
        grade = await client.call_tool("evaluate", {"resume_markdown": RESUME, "job_description": JOB_POST})
        return letter, grade

    letter, grade = _run(connect, work)
    assert "Northwind Freight" in letter.structured_content["text"]
    assert 0 < grade.structured_content["score"] <= 1 and grade.structured_content["mode"] == "heuristic"


def test_bad_arguments_and_unusable_input_are_error_results(connect):
    async def work(client: ClientSession) -> Any:
        bad = await client.call_tool("tailor_resume", {"resume": RESUME, "job_description": JOB_POST, "max_rounds": 0})
        empty = await client.call_tool(
            "tailor_resume", {"resume": "# Jane\n\n## Hobbies\n- Chess", "job_description": JOB_POST}
        )
        return bad, empty

    bad, empty = _run(connect, work)
    assert bad.is_error and "max_rounds" in bad.content[0].text
    assert empty.is_error and "permanent: the resume has no recognisable" in empty.content[0].text


def test_the_worker_discovers_the_tools_as_mcp_tailor_and_counts_their_usage(env, tmp_path):
    from tools.mcp_client import ServerConfig, discover
    from tools.runtime import invoke
    from tools.spec import ToolContext

    server = ServerConfig(name="tailor", transport="stdio", command=tuple(SERVER), timeout_s=120, env=env)
    specs = {spec.name: spec for spec in discover([server])}
    assert set(specs) == {"mcp.tailor.tailor_resume", "mcp.tailor.cover_letter", "mcp.tailor.evaluate"}
    used: list[Any] = []
    ctx = ToolContext(job_id="job", task_key="t", workspace=tmp_path, report_usage=used.append)
    out = invoke(specs["mcp.tailor.tailor_resume"], {"resume": RESUME, "job_description": JOB_POST}, ctx)
    assert out["document"]["title"] == "Maria Keller" and out["rounds"][0]["round"] == 1
    [usage] = used
    assert usage.provider == "mock" and usage.tokens_in == out["usage"]["tokens_in"] > 0
