"""Replan keeps finished work, runs the unfinished part again, and is refused when illegal."""

from __future__ import annotations

import json
import time

import pytest

from planner.tests.openai_stub import completion, openai_stub

pytestmark = pytest.mark.integration

PLAN = {
    "tasks": [
        {"id": "a", "tool": "core.write_file", "inputs": {"path": "x.md", "content": "x"}},
        {"id": "b", "tool": "core.read_file", "inputs": {"path": "y.md"}},
        {"id": "c", "tool": "core.read_file", "inputs": {"path": {"$ref": "b.output.path"}}},
    ]
}


def tasks_of(stack, job_id):
    return {t["id"]: t for t in stack.get(f"/api/jobs/{job_id}/tasks").json()}


def test_replan_runs_the_unfinished_part_and_keeps_finished_tasks(stack_factory):
    stack = stack_factory("embedded")
    stack.start_web()
    stack.start_worker()
    job = stack.submit({"goal": "read y", "plan": PLAN})
    assert stack.wait(job["id"])["status"] == "failed"
    before = tasks_of(stack, job["id"])
    (stack.data_dir / "workspaces" / job["id"] / "y.md").write_text("now here")

    response = stack.post(f"/api/jobs/{job['id']}/replan", {"instructions": "y.md exists now"})
    assert response.status_code == 200, response.text
    assert stack.wait(job["id"])["status"] == "succeeded", stack.logs()
    after = tasks_of(stack, job["id"])
    assert after["a"]["attempts"] == 1 and after["a"]["finished_at"] == before["a"]["finished_at"]
    assert after["b"]["output"]["content"] == "now here" and after["c"]["status"] == "succeeded"
    details = stack.get(f"/api/jobs/{job['id']}/details").json()
    assert details["plan"]["version"] == 2 and details["plan"]["source"] == "replan:current plan"
    assert "job.replanned" in [e["type"] for e in details["recent_events"]]

    assert stack.post(f"/api/jobs/{job['id']}/replan").status_code == 409  # succeeded: nothing to replan
    assert stack.post(f"/api/jobs/{job['id']}/replan", {"colour": "red"}).status_code in (400, 409)
    assert stack.post("/api/jobs/00000000-0000-0000-0000-000000000000/replan").status_code == 404


def test_an_llm_replan_sees_finished_outputs_and_binds_them(stack_factory):
    first = {"tasks": [{"id": "a", "tool": "core.write_file", "inputs": {"path": "x.md", "content": "x"}},
                       {"id": "b", "tool": "core.read_file", "inputs": {"path": "missing.md"}}]}  # fmt: skip
    second = {"tasks": [{"id": "b2", "tool": "core.read_file", "inputs": {"path": {"$ref": "a.output.path"}}}]}
    with openai_stub([completion(json.dumps(first)), completion(json.dumps(second))]) as stub:
        stack = stack_factory(
            "embedded", PLANNER_MODE="llm", LLM_PROVIDER="openai", OPENAI_BASE_URL=stub.url, OPENAI_API_KEY="sk-test",
            OPENAI_MAX_RETRIES="0",
        )  # fmt: skip
        stack.start_web()
        stack.start_worker()
        job = stack.submit({"goal": "read a file"})
        assert stack.wait(job["id"])["status"] == "failed"
        assert stack.post(f"/api/jobs/{job['id']}/replan", {"instructions": "read x.md instead"}).status_code == 200
        assert stack.wait(job["id"])["status"] == "succeeded", stack.logs()
        prompt = stub.requests[1]["messages"][1]["content"]
    assert "a (core.write_file)" in prompt and "read x.md instead" in prompt and "missing.md" in prompt
    tasks = tasks_of(stack, job["id"])
    assert tasks["b"]["status"] == "cancelled" and tasks["b2"]["output"]["content"] == "x"


def test_auto_replan_on_failure_replans_exactly_once(stack_factory):
    stack = stack_factory("embedded", AWE_AUTO_REPLAN_ON_FAILURE="true")
    stack.start_web()
    stack.start_worker()
    job = stack.submit({"goal": "read y", "plan": PLAN})

    def event_types():
        return [e["type"] for e in stack.get(f"/api/jobs/{job['id']}/details").json()["recent_events"]]

    deadline = time.monotonic() + 60
    while event_types().count("job.failed") < 2:  # failed, replanned once, failed again
        assert time.monotonic() < deadline, stack.logs()
        time.sleep(0.1)
    time.sleep(1)  # a second automatic replan would show up here
    types = event_types()
    assert types.count("job.replanned") == 1 and types.count("job.failed") == 2
    assert stack.get(f"/api/jobs/{job['id']}").json()["status"] == "failed"
    assert tasks_of(stack, job["id"])["b"]["attempts"] == 2
