"""The whole path, for real: API → planner → Celery worker subprocess → tools → artifacts → events,
on the embedded footprint and on PostgreSQL + Redis."""

from __future__ import annotations

import pytest

from jobs.tests.sse import Stream, ended

pytestmark = pytest.mark.integration

SEED_GOAL = {"goal": "Generate an implementation checklist and artifact summary", "context_json": {}, "priority": 1}


def test_seed_goal_succeeds_with_a_markdown_artifact(stack):
    job = stack.submit(SEED_GOAL)
    done = stack.wait(job["id"])
    assert done["status"] == "succeeded", stack.logs()

    details = stack.get(f"/api/jobs/{job['id']}/details").json()
    assert {t["status"] for t in details["tasks"]} == {"succeeded"}
    assert len(details["tasks"]) >= 4
    [artifact] = [a for a in details["artifacts"] if a["name"] == "summary.md"]
    body = stack.get(artifact["download_url"])
    assert body.status_code == 200
    assert body.headers["Content-Type"].startswith("text/markdown")
    assert body.text.startswith("# Generate an implementation checklist and artifact summary")
    assert "Implementation checklist" in body.text

    types = [e["type"] for e in details["recent_events"]]
    assert types[0] == "job.created" and types[-1] == "job.succeeded"
    assert [e["seq"] for e in details["recent_events"]] == list(range(1, len(types) + 1))


def _times(stack, job_id):
    from datetime import datetime

    return {
        t["id"]: (datetime.fromisoformat(t["started_at"]), datetime.fromisoformat(t["finished_at"]))
        for t in stack.get(f"/api/jobs/{job_id}/tasks").json()
    }


def test_an_n_shaped_plan_starts_each_task_when_its_own_parents_finish(stack):
    wait = lambda s, **kw: {"tool": "core.wait", "inputs": {"seconds": s}, **kw}  # noqa: E731
    plan = {
        "tasks": [
            {"id": "a", **wait(1.5)},
            {"id": "b", **wait(0.1)},
            {"id": "c", **wait(0.1, depends_on=["a", "b"])},
            {"id": "d", **wait(0.1, depends_on=["b"])},
        ]
    }
    job = stack.submit({"goal": "N-shaped plan", "plan": plan})
    assert stack.wait(job["id"])["status"] == "succeeded", stack.logs()
    t = _times(stack, job["id"])
    # d waits for b only: it runs while a is still running.
    assert t["b"][1] <= t["d"][0] < t["a"][1]
    # c waits for both of its parents.
    assert t["c"][0] >= max(t["a"][1], t["b"][1])


def test_a_failing_task_fails_the_job_blocks_its_dependents_and_is_dead_lettered(stack):
    plan = {
        "tasks": [
            {"id": "ok", "tool": "core.write_file", "inputs": {"path": "a.md", "content": "a"}},
            {"id": "bad", "tool": "core.read_file", "inputs": {"path": "missing.md"}},
            {"id": "after", "tool": "core.read_file", "inputs": {"path": {"$ref": "bad.output.path"}}},
        ]
    }
    job = stack.submit({"goal": "fails", "plan": plan})
    done = stack.wait(job["id"])
    assert done["status"] == "failed"
    assert "missing.md" in done["error"]
    tasks = {t["id"]: t for t in stack.get(f"/api/jobs/{job['id']}/tasks").json()}
    assert tasks["ok"]["status"] == "succeeded"
    assert tasks["bad"]["status"] == "failed" and tasks["bad"]["error_class"] == "permanent"
    assert tasks["bad"]["attempts"] == 1  # permanent errors are not retried under the default policy
    assert tasks["after"]["status"] == "blocked"
    types = [e["type"] for e in stack.get(f"/api/jobs/{job['id']}/details").json()["recent_events"]]
    assert "task.dead_lettered" in types and types[-1] == "job.failed"


def _sse(stack, job_id, **headers):
    with Stream(stack.http, f"{stack.base}/api/jobs/{job_id}/events", **headers) as sse:
        assert sse.response.status_code == 200
        assert sse.response.headers["Content-Type"].startswith("text/event-stream")
        return sse.read_until(ended)


def test_the_event_stream_replays_history_and_resumes_after_last_event_id(stack):
    job = stack.submit(SEED_GOAL)
    assert stack.wait(job["id"])["status"] == "succeeded"
    history = _sse(stack, job["id"])
    channel = f"job-{job['id']}"
    assert [e["id"] for e in history] == [f"{channel}:{n}" for n in range(1, len(history) + 1)]
    assert history[0]["event"] == "job.created" and history[-1]["event"] == "job.succeeded"
    assert all(e["data"]["seq"] == n for n, e in enumerate(history, start=1))

    resumed = _sse(stack, job["id"], **{"Last-Event-ID": f"{channel}:5"})
    assert [e["data"]["seq"] for e in resumed] == list(range(6, len(history) + 1))


@pytest.mark.parametrize("footprint", ["embedded", pytest.param("production", marks=pytest.mark.production)])
def test_a_long_job_runs_in_bounded_canvas_segments_in_plan_order(stack_factory, footprint):
    # Messages carry at most 3 tasks: the chain and the fan-out below go in several segments.
    stack = stack_factory(footprint, AWE_CANVAS_MAX_TASKS="3")
    stack.start_web()
    stack.start_worker()
    chain = [{"id": f"c{i}", "tool": "core.wait", "inputs": {"seconds": 0}, "depends_on": [f"c{i - 1}"] if i else []}
             for i in range(8)]  # fmt: skip
    fan = [{"id": f"f{i}", "tool": "core.wait", "inputs": {"seconds": 0}, "depends_on": ["c7"]} for i in range(5)]
    join = {"id": "j", "tool": "core.wait", "inputs": {"seconds": 0}, "depends_on": [f["id"] for f in fan]}
    job = stack.submit({"goal": "segments", "plan": {"tasks": [*chain, *fan, join]}})
    assert stack.wait(job["id"])["status"] == "succeeded", stack.logs()
    t = _times(stack, job["id"])
    for task in [*chain, *fan, join]:
        for parent in task["depends_on"]:
            assert t[parent][1] <= t[task["id"]][0], (parent, task["id"])
    segments = [e["data"]["payload"]["first"] for e in _sse(stack, job["id"]) if e["event"] == "plan.segment_sent"]
    # c0-c2 in the first canvas, then c3-c5, c6 + c7 (c6 would carry 7 more), the fan-out + join
    assert segments == [["c3"], ["c6"], ["f0", "f1", "f2", "f3", "f4"]], segments
    if footprint == "production":  # the Redis backend joins the chord without stored results
        import redis

        results = redis.Redis.from_url(stack.env["CELERY_RESULT_BACKEND"]).keys("celery-task-meta-*")
        assert results == [], results
