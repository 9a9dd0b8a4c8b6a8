"""Spans AWE adds inside a process: the Celery task's span names the job and task, the tool's
span is its child (also in the tool's thread), and an MCP or LLM call is the tool's child."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from opentelemetry import trace

from executor.run import execute
from jobs.models import JobStatus
from jobs.tests.factories import job_with_plan, user
from jobs.transitions import move_job
from observability import metrics, tracing
from planner.tests.openai_stub import completion, openai_stub
from tools.errors import PermanentToolError
from tools.mcp_client import ServerConfig, call_tool

ROOT = Path(__file__).resolve().parents[2]
MCP = ServerConfig(name="hang", transport="stdio", command=[sys.executable, "-m", "tools.tests.hanging_mcp_server"],
                   timeout_s=20)  # fmt: skip


def by_name(spans):
    return {span.name: span for span in spans.get_finished_spans()}


@pytest.mark.django_db(transaction=True)
def test_a_task_span_names_its_job_and_task_and_the_tool_span_is_its_child(spans):
    plan = {"tasks": [{"id": "w", "tool": "core.wait", "inputs": {"seconds": 0}}]}
    job, [task] = job_with_plan(user(), plan)
    move_job(job, JobStatus.RUNNING)
    with trace.get_tracer("test").start_as_current_span("run/executor.run_task"):  # as Celery's instrumentation
        assert execute(task.pk, worker="w@test").status == "ran"
    found = by_name(spans)
    run, tool = found["run/executor.run_task"], found["tool core.wait"]
    assert run.attributes["awe.job_id"] == str(job.pk) and run.attributes["awe.task_key"] == "w"
    assert run.attributes["awe.tool"] == "core.wait" and run.attributes["awe.attempt"] == 1
    assert tool.parent.span_id == run.context.span_id
    assert tool.attributes["awe.job_id"] == str(job.pk) and tool.attributes["awe.task_key"] == "w"


@pytest.mark.django_db(transaction=True)
def test_an_llm_call_in_a_tool_thread_is_a_child_of_the_tool_span(spans, settings):
    settings.WORKER_MODE, settings.LLM_PROVIDER = "llm", "openai"
    with openai_stub([completion("a draft", tokens_in=7, tokens_out=5)]) as stub:
        settings.OPENAI_BASE_URL, settings.OPENAI_MAX_RETRIES = stub.url, 0
        plan = {"tasks": [{"id": "d", "tool": "llm.generate_text", "inputs": {"prompt": "Write one line."}}]}
        job, [task] = job_with_plan(user(), plan)
        move_job(job, JobStatus.RUNNING)
        assert execute(task.pk, worker="w@test").status == "ran"
    found = by_name(spans)
    tool, llm = found["tool llm.generate_text"], found[f"llm openai {settings.OPENAI_MODEL}"]
    assert llm.parent.span_id == tool.context.span_id and llm.context.trace_id == tool.context.trace_id
    assert llm.attributes["awe.llm_tokens_in"] == 7 and llm.attributes["awe.llm_tokens_out"] == 5


def test_an_mcp_call_is_a_span_and_counted_by_server_tool_and_outcome(spans):
    ok = metrics.MCP_CALLS.labels("hang", "shout", "ok")._value.get()
    refused = metrics.MCP_CALLS.labels("hang", "refuse", "permanent")._value.get()
    with trace.get_tracer("test").start_as_current_span("tool mcp.hang.shout") as parent:
        assert call_tool(MCP, "shout", {"text": "hi"}) == {"text": "HI"}
        with pytest.raises(PermanentToolError):
            call_tool(MCP, "refuse", {"reason": "no"})
    calls = [s for s in spans.get_finished_spans() if s.name.startswith("mcp hang.")]
    assert [s.name for s in calls] == ["mcp hang.shout", "mcp hang.refuse"]
    assert all(s.parent.span_id == parent.get_span_context().span_id for s in calls)
    assert calls[0].attributes["awe.mcp_server"] == "hang" and calls[0].attributes["awe.mcp_tool"] == "shout"
    assert calls[1].status.status_code.name == "ERROR"
    assert metrics.MCP_CALLS.labels("hang", "shout", "ok")._value.get() == ok + 1
    assert metrics.MCP_CALLS.labels("hang", "refuse", "permanent")._value.get() == refused + 1


def test_tracing_off_makes_no_spans(spans, monkeypatch):
    monkeypatch.setattr(tracing, "ENABLED", False)
    with tracing.span("tool x", job_id="j") as span:
        tracing.annotate(job_id="j")
    assert span is None and spans.get_finished_spans() == ()


def _setup_in_a_fresh_process(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    script = """
import django, json
django.setup()
from opentelemetry import trace
from observability import tracing
on = tracing.setup("worker")
for _ in range(3):
    with tracing.span("tool t", job_id="j"):
        pass
    trace.get_tracer_provider().force_flush(5000)
print(json.dumps({"on": on}))
"""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "AWE_", "DATABASE_", "CELERY_"))}
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**base, "DJANGO_SETTINGS_MODULE": "awe_project.settings", "AWE_DATA_DIR": str(tmp_path),
             "OTEL_EXPORTER_OTLP_TIMEOUT": "1", **env},
    )  # fmt: skip


def test_an_unreachable_collector_is_logged_once_and_nothing_breaks(tmp_path):
    done = _setup_in_a_fresh_process(tmp_path, OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:9")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == {"on": True}
    assert done.stderr.count("spans not exported to http://127.0.0.1:9") == 1, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "bad",
    [{"OTEL_EXPORTER_OTLP_ENDPOINT": "not a url"}, {"OTEL_BSP_SCHEDULE_DELAY": "soon"},
     {"OTEL_TRACES_SAMPLER": "sometimes"}, {"OTEL_EXPORTER_OTLP_HEADERS": "%%%"}],
)  # fmt: skip
def test_a_malformed_otel_value_leaves_the_process_working(tmp_path, bad):
    done = _setup_in_a_fresh_process(tmp_path, **{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9", **bad})
    assert done.returncode == 0, done.stderr
    assert "on" in json.loads(done.stdout.splitlines()[-1])
