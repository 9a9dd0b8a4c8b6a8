"""Log lines name what they were written for: the request (its id) or the task (job, key,
attempt, Celery task id); a task that fails says so once, with its error class, redacted."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from executor.run import execute
from jobs.models import JobStatus
from jobs.tests.factories import job_with_plan, user
from jobs.transitions import move_job
from observability import logs

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """The root logger's output as the production handler writes it (settings.LOGGING's json)."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(logs.ContextFilter())
    handler.setFormatter(
        logs.JsonLineFormatter(["asctime", "levelname", "name", "message"],
                               rename_fields={"asctime": "time", "levelname": "level", "name": "logger"})
    )  # fmt: skip
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield out
    finally:
        root.removeHandler(handler)


def parsed(out: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def test_a_request_id_given_is_returned_and_on_every_line_of_the_request(client, json_lines):
    response = client.get("/api/jobs/00000000-0000-0000-0000-000000000000", headers={"X-Request-ID": "req-42.a"})
    assert response.status_code == 404
    assert response["X-Request-ID"] == "req-42.a"
    lines = [line for line in parsed(json_lines) if line["logger"] == "django.request"]
    assert lines and all(line["request_id"] == "req-42.a" for line in lines)
    assert lines[0]["level"] == "WARNING" and "Not Found" in lines[0]["message"]


@pytest.mark.parametrize("given", [None, "", "x" * 500, "bad id\nINFO forged line"])
def test_a_missing_or_unsafe_request_id_is_replaced_by_a_generated_one(client, given):
    headers = {"X-Request-ID": given} if given is not None else {}
    response = client.get("/healthz", headers=headers)
    rid = response["X-Request-ID"]
    assert rid != given and len(rid) == 32 and rid.isalnum()


def test_lines_outside_a_request_or_task_carry_no_context(json_lines):
    logging.getLogger("awe.test").warning("plain")
    [line] = parsed(json_lines)
    assert line["message"] == "plain" and not set(logs.FIELDS) & set(line)


def test_the_text_format_appends_the_fields():
    formatter = logs.TextFormatter("%(levelname)s %(message)s")
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    with logs.bound(job_id="j1", task_key="a"):
        logs.ContextFilter().filter(record)
    assert formatter.format(record) == "INFO hello [job_id=j1 task_key=a]"


@pytest.mark.django_db(transaction=True)
def test_a_task_that_fails_for_good_logs_one_error_line_naming_it_with_secrets_redacted(json_lines):
    secret = "sk-" + "A1b2C3d4E5f6G7h8J9k0"
    plan = {"tasks": [{"id": "bad", "tool": "core.read_file", "inputs": {"path": f"{secret}.txt"}}]}
    job, [task] = job_with_plan(user(), plan)
    move_job(job, JobStatus.RUNNING)
    with logs.bound(celery_task_id="celery-1"):
        execute(task.pk, worker="w@test", celery_id="celery-1")
    bad = [line for line in parsed(json_lines) if line["level"] in {"WARNING", "ERROR"}]
    assert len(bad) == 1, bad
    [line] = bad
    assert line["level"] == "ERROR" and line["logger"] == "executor"
    assert (line["job_id"], line["task_key"], line["attempt"], line["celery_task_id"]) == (
        str(job.pk),
        "bad",
        1,
        "celery-1",
    )
    assert line["error_class"] == "permanent" and "dead-lettered" in line["message"]
    assert secret not in json.dumps(line) and "[REDACTED]" in line["error"]


@pytest.mark.django_db(transaction=True)
def test_a_retry_logs_one_warning_with_its_error_class(json_lines):
    plan = {"tasks": [{"id": "t", "tool": "core.wait", "inputs": {"seconds": 0.5}, "timeout_s": 0.05}]}
    job, [task] = job_with_plan(user(), plan)
    move_job(job, JobStatus.RUNNING)
    assert execute(task.pk, worker="w@test").status == "retry"
    [line] = [line for line in parsed(json_lines) if line["level"] in {"WARNING", "ERROR"}]
    assert line["level"] == "WARNING" and (line["task_key"], line["attempt"]) == ("t", 1)
    assert line["error_class"] == "transient" and "timed out" in line["error"] and "retrying in" in line["message"]
