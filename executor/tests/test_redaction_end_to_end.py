"""Secrets that pass through a job stay out of what is recorded: a worker runs a plan whose
inputs carry a fake API key and an Authorization header; the Event payloads, attempt errors,
task outputs and errors, the job error and dead letters in the database never hold them."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.integration

FAKE_KEY = "sk-" + "abcdefghijklmnopqrstuvwx"  # "sk-" and 24 letters: the shape of an API key
BEARER = "abcdef123456"

_DUMP_RECORDED_ROWS = """
import json
from jobs.models import DeadLetter, Event, Job, Task, TaskAttempt
job = Job.objects.get(pk="{job_id}")
print("ROWS " + json.dumps({{
    "events": list(Event.objects.filter(job=job).values_list("type", "payload")),
    "attempts": list(TaskAttempt.objects.filter(task__job=job).values_list("task__key", "message")),
    "outputs": dict(Task.objects.filter(job=job).values_list("key", "output")),
    "task_errors": dict(Task.objects.filter(job=job).values_list("key", "error")),
    "job_error": job.error,
    "dead_letters": list(DeadLetter.objects.filter(task__job=job).values_list("reason", flat=True)),
}}, default=str))
"""


def test_secrets_in_a_plan_never_reach_the_recorded_rows(stack):
    content = f"key {FAKE_KEY}\nAuthorization: Bearer {BEARER}\n"
    plan = {
        "tasks": [
            {"id": "write", "tool": "core.write_file", "inputs": {"path": "creds.txt", "content": content}},
            {"id": "read", "tool": "core.read_file", "inputs": {"path": {"$ref": "write.output.path"}}},
            {"id": "bad", "tool": "core.read_file", "inputs": {"path": f"missing-{FAKE_KEY}.txt"}},
        ]
    }
    job = stack.submit({"goal": f"Keep {FAKE_KEY} out of the logs", "plan": plan})
    done = stack.wait(job["id"])
    assert done["status"] == "failed", stack.logs()  # "bad" reads a missing file on purpose

    [written] = stack.data_dir.rglob("creds.txt")
    assert written.read_text() == content  # the secret really went through the tools

    shell = stack.manage("shell", "-c", _DUMP_RECORDED_ROWS.format(job_id=job["id"]))
    [line] = [line for line in shell.stdout.splitlines() if line.startswith("ROWS ")]
    rows = json.loads(line.removeprefix("ROWS "))
    assert rows["outputs"]["read"]["content"].startswith("key [REDACTED]")
    assert rows["attempts"] and rows["task_errors"]["bad"] and rows["dead_letters"]
    assert {"job.created", "task.failed", "task.succeeded"} <= {event_type for event_type, _ in rows["events"]}
    recorded = json.dumps(rows)
    assert FAKE_KEY not in recorded
    assert BEARER not in recorded


@pytest.mark.parametrize("footprint", ["embedded", pytest.param("production", marks=pytest.mark.production)])
def test_text_the_database_cannot_store_is_recorded_with_replacement_characters(stack_factory, footprint):
    """PostgreSQL's text and jsonb hold no NUL and no lone surrogate: a tool's output and error
    with them are recorded with U+FFFD, not left running because the completion cannot commit."""
    stack = stack_factory(footprint, AWE_TOOL_MODULES="executor.tests.flaky_tools")
    stack.start_web()
    stack.start_worker()
    plan = {
        "tasks": [
            {"id": "ok", "tool": "test.binary", "inputs": {}},
            {"id": "bad", "tool": "test.binary", "inputs": {"fail": True}},
        ]
    }
    job = stack.submit({"goal": "binary data", "plan": plan})
    done = stack.wait(job["id"])
    assert done["status"] == "failed", stack.logs()  # "bad" fails on purpose
    shell = stack.manage("shell", "-c", _DUMP_RECORDED_ROWS.format(job_id=job["id"]))
    [line] = [line for line in shell.stdout.splitlines() if line.startswith("ROWS ")]
    rows = json.loads(line.removeprefix("ROWS "))
    assert rows["outputs"]["ok"] == {"text": "a\ufffdb", "fields": {"k\ufffd": "caf\ufffd.txt"}}
    assert rows["task_errors"]["bad"] == rows["dead_letters"][0] == "bad byte \ufffd in caf\ufffd.txt"
