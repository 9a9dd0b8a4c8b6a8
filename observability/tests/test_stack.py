"""Web and worker as real processes on PostgreSQL + Redis: one trace follows a job from
``POST /api/jobs`` to its LLM call, ``/metrics`` counts what happened, a failed task's worker log
line names it, and what Celery (so Flower) reports for a failed AWE task, measured."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from observability.tests.otlp import otlp_receiver, tree
from planner.tests.openai_stub import completion, openai_stub

pytestmark = [pytest.mark.integration, pytest.mark.production]

TOKEN = "metrics-t0ken"
SECRET = "sk-" + "Zz9Yy8Xx7Ww6Vv5Uu4Tt"
PLAN = {
    "tasks": [
        {"id": "draft", "tool": "llm.generate_text", "inputs": {"prompt": "Write one line about queues."}},
        {"id": "save", "tool": "core.write_file",
         "inputs": {"path": "draft.md", "content": {"$ref": "draft.output.text"}}},
    ]
}  # fmt: skip
FAILING = {"tasks": [{"id": "missing", "tool": "core.read_file", "inputs": {"path": f"{SECRET}.txt"}}]}
REPORT = Path(__file__).resolve().parent / "last-run.txt"  # what the closing note quotes (not committed)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(scraped: dict, name: str, **labels: str) -> float:
    return scraped.get((name, tuple(sorted(labels.items()))), 0.0)


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := predicate():
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class CeleryEvents:
    """Celery's task events on the stack's broker, as Flower receives them."""

    def __init__(self, broker: str) -> None:
        from celery import Celery

        self.app = Celery(broker=broker)
        self.events: list[dict] = []
        self.receiver = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with self.app.connection() as conn:
            self.receiver = self.app.events.Receiver(conn, handlers={"*": self.events.append})
            self.receiver.capture(limit=None, timeout=None, wakeup=False)

    def __enter__(self) -> CeleryEvents:
        self.thread.start()
        wait_for(lambda: self.receiver is not None, 10, "event receiver")
        time.sleep(1.0)  # its queue bound before the task's events are sent
        return self

    def __exit__(self, *exc: object) -> None:
        if self.receiver is not None:
            self.receiver.should_stop = True
        self.thread.join(timeout=5)


def test_one_trace_metrics_and_logs_follow_jobs_through_real_processes(stack_factory):
    with otlp_receiver() as collector, openai_stub([completion(json.dumps(PLAN)), completion("Queues wait.")]) as llm:
        stack = stack_factory(
            "production", PLANNER_MODE="llm", LLM_PROVIDER="openai", WORKER_MODE="llm", OPENAI_BASE_URL=llm.url,
            OPENAI_API_KEY="sk-test-key-for-the-stub", OPENAI_MAX_RETRIES="0", AWE_MCP_SERVERS="[]",
            OTEL_EXPORTER_OTLP_ENDPOINT=collector.url, OTEL_BSP_SCHEDULE_DELAY="100", AWE_METRICS_TOKEN=TOKEN,
        )  # fmt: skip
        stack.start_web()
        stack.start_worker()

        response = stack.http.post(f"{stack.base}/api/jobs", json={"goal": "Write about queues"},
                                   headers={"X-Request-ID": "it-request-1"}, timeout=30)  # fmt: skip
        assert response.status_code == 201 and response.headers["X-Request-ID"] == "it-request-1"
        job_id = response.json()["id"]
        assert stack.wait(job_id)["status"] == "succeeded", stack.logs()

        # --- one trace: POST /api/jobs → plan_job → each run_task → the tool → its LLM call ----------
        def whole_trace():
            spans = collector.snapshot()
            planned = [s for s in spans if s.name.endswith("executor.plan_job") and s.name.startswith("run")
                       and s.attributes.get("awe.job_id") == job_id]  # fmt: skip
            if not planned:
                return None
            mine = [s for s in spans if s.trace_id == planned[0].trace_id]
            tools = {s.name for s in mine if s.name.startswith("tool ")}
            ids = {s.span_id for s in mine}
            whole = len([s for s in mine if s.parent_id not in ids]) == 1  # every parent exported too
            return mine if whole and {"tool llm.generate_text", "tool core.write_file"} <= tools else None

        mine = wait_for(whole_trace, 30, f"the trace of job {job_id}")
        by_id = {s.span_id: s for s in mine}
        [root] = [s for s in mine if s.parent_id not in by_id]
        assert root.service == "awe-web" and root.attributes.get("awe.job_id") == job_id
        assert root.attributes.get("http.request.method", root.attributes.get("http.method")) == "POST"
        runs = {s.attributes["awe.task_key"]: s for s in mine if s.name == "run/executor.run_task"}
        assert set(runs) == {"draft", "save"} and all(s.service == "awe-worker" for s in runs.values())
        assert all(s.attributes["awe.job_id"] == job_id for s in runs.values())
        [tool] = [s for s in mine if s.name == "tool llm.generate_text"]
        assert tool.parent_id == runs["draft"].span_id
        llm_calls = [s for s in mine if s.name.startswith("llm openai")]
        assert len(llm_calls) == 2 and any(s.parent_id == tool.span_id for s in llm_calls)  # planner's and tool's
        assert any(s.attributes.get("db.system", s.attributes.get("db.system.name")) == "postgresql" for s in mine)
        shown = tree(mine, root.trace_id)

        # --- a failed task: its one log line, and what Celery's events (Flower) say -------------------
        with CeleryEvents(stack.env["CELERY_BROKER_URL"]) as celery_events:
            failed = stack.submit({"goal": "Read a file that is not there", "plan": FAILING})
            assert stack.wait(failed["id"])["status"] == "failed"
            time.sleep(1.0)  # the task's events arrive after its result

    worker_log = (stack.data_dir / "worker-w1.log").read_text()
    lines = [json.loads(line) for line in worker_log.splitlines() if line.startswith("{")]
    bad = [line for line in lines if line.get("job_id") == failed["id"] and line["level"] in {"WARNING", "ERROR"}]
    assert len(bad) == 1, bad
    [line] = bad
    assert line["level"] == "ERROR" and line["task_key"] == "missing" and line["attempt"] == 1
    assert line["error_class"] == "permanent" and line["celery_task_id"]
    assert SECRET not in worker_log and "[REDACTED]" in line["error"]
    run_lines = [x for x in lines if x.get("job_id") == job_id and x.get("task_key") == "draft"]
    assert run_lines and all(x["celery_task_id"] and x["attempt"] == 1 for x in run_lines)

    # Celery saw the failed AWE task succeed, with the outcome as its result: the canvas carries no
    # exception (docs/operations.md, "Failures in Flower").
    mine_events = [e for e in celery_events.events if e.get("uuid") == line["celery_task_id"]]
    kinds = [e["type"] for e in mine_events]
    assert "task-failed" not in kinds and "task-succeeded" in kinds, kinds
    [succeeded] = [e for e in mine_events if e["type"] == "task-succeeded"]
    assert succeeded["result"] == "'failed'"

    # --- /metrics: protected, and counting what happened -----------------------------------------------
    assert stack.get("/metrics", headers={"X-Request-ID": "it-request-2"}).status_code == 401
    web_lines = [json.loads(x) for x in (stack.data_dir / "web.log").read_text().splitlines() if x.startswith("{")]
    [refused] = [x for x in web_lines if x.get("request_id") == "it-request-2"]
    assert refused["level"] == "WARNING" and refused["logger"] == "django.request"
    assert stack.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 403
    scrape = stack.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert scrape.status_code == 200
    got = samples(scrape.text)
    assert value(got, "awe_jobs_created_total", source="planner") == 1
    assert value(got, "awe_jobs_created_total", source="explicit") == 1
    assert value(got, "awe_jobs_finished_total", outcome="succeeded") == 1
    assert value(got, "awe_jobs_finished_total", outcome="failed") == 1
    assert value(got, "awe_tasks_total", tool="llm.generate_text", outcome="succeeded") == 1
    assert value(got, "awe_tasks_total", tool="core.read_file", outcome="failed") == 1
    assert value(got, "awe_task_duration_seconds_count", tool="core.write_file") == 1
    assert value(got, "awe_dead_letters_total", error_class="permanent") == 1
    assert value(got, "awe_dead_letters_pending") == 1
    assert value(got, "awe_queue_depth", queue="dlq") == 1  # the dead letter's message: no worker reads dlq
    assert value(got, "awe_queue_depth", queue="tools") == 0
    assert value(got, "awe_planning_duration_seconds_count", outcome="planned") == 1
    model = "gpt-4o-mini"
    assert value(got, "awe_llm_calls_total", provider="openai", model=model) == 2
    assert value(got, "awe_llm_tokens_total", provider="openai", model=model, direction="in") == 200
    assert value(got, "awe_events_recorded_total", type="job.succeeded") == 1
    beats = [v for (name, _), v in got.items() if name == "awe_worker_heartbeat_timestamp_seconds"]
    assert beats and time.time() - max(beats) < 30

    REPORT.write_text(
        f"--- trace of job {job_id}\n{shown}\n\n--- failed task's worker log line\n{json.dumps(line)}\n\n"
        f"--- a request's log line\n{json.dumps(refused)}\n\n--- /metrics\n{scrape.text}"
    )
