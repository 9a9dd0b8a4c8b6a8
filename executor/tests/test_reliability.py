"""Operators can trust the executor: retries by class, dead letters, retry and cancel, lost
workers and lost messages — with real PostgreSQL, Redis and worker processes."""

from __future__ import annotations

import os
import signal
import time

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.production]

PLUGIN = {
    "AWE_TOOL_MODULES": "executor.tests.flaky_tools",
    "AWE_RETRY_BACKOFF_S": "0.05",
    "AWE_RETRY_BACKOFF_MAX_S": "0.2",
}


def flaky(task_id, fail_times, error="transient", **extra):
    return {
        "id": task_id,
        "tool": "test.flaky",
        "inputs": {"key": task_id, "fail_times": fail_times, "error": error},
        **extra,
    }


def tasks_of(stack, job_id):
    return {t["id"]: t for t in stack.get(f"/api/jobs/{job_id}/tasks").json()}


def running(stack, policy="transient", workers=1, **env):
    stack = stack(footprint="production", AWE_RETRY_POLICY=policy, **PLUGIN, **env)
    stack.start_web()
    for n in range(workers):
        stack.start_worker(f"w{n + 1}", concurrency=2)
    return stack


@pytest.fixture
def production(stack_factory):
    return lambda footprint, **env: stack_factory(footprint, **env)


def test_transient_failures_are_retried_and_permanent_ones_dead_lettered_under_transient(production):
    stack = running(production, "transient")
    job = stack.submit({"goal": "retries", "plan": {"tasks": [flaky("shaky", 2), flaky("broken", 5, "permanent")]}})
    assert stack.wait(job["id"])["status"] == "failed", stack.logs()
    tasks = tasks_of(stack, job["id"])
    assert tasks["shaky"]["status"] == "succeeded" and tasks["shaky"]["attempts"] == 3
    assert tasks["shaky"]["output"] == {"calls": 3}
    assert tasks["broken"]["status"] == "failed" and tasks["broken"]["attempts"] == 1
    listed = stack.manage("dlq", "list").stdout
    assert f"{job['id']}/broken" in listed and "shaky" not in listed


def test_none_never_retries(production):
    stack = running(production, "none")
    job = stack.submit({"goal": "no retries", "plan": {"tasks": [flaky("shaky", 1)]}})
    assert stack.wait(job["id"])["status"] == "failed"
    assert tasks_of(stack, job["id"])["shaky"]["attempts"] == 1


def test_any_retries_permanent_errors_too(production):
    stack = running(production, "any")
    job = stack.submit({"goal": "retry all", "plan": {"tasks": [flaky("broken", 1, "permanent")]}})
    assert stack.wait(job["id"])["status"] == "succeeded"
    assert tasks_of(stack, job["id"])["broken"]["attempts"] == 2


# Small plans fit in one canvas; with a bound of 1 every series step goes in a segment of its own.
CANVASES = pytest.mark.parametrize("canvas_max", ["32", "1"], ids=["one canvas", "segments"])


@CANVASES
def test_retrying_a_failed_mid_dag_task_resumes_exactly_its_blocked_subgraph(production, canvas_max):
    stack = running(production, "transient", AWE_CANVAS_MAX_TASKS=canvas_max)
    plan = {
        "tasks": [
            flaky("a", 0),
            flaky("b", 1, "permanent", depends_on=["a"]),
            flaky("c", 0, depends_on=["b"]),
            flaky("d", 0, depends_on=["a"]),
        ]
    }
    job = stack.submit({"goal": "mid-dag retry", "plan": plan})
    assert stack.wait(job["id"])["status"] == "failed"
    before = tasks_of(stack, job["id"])
    assert [before[k]["status"] for k in "abcd"] == ["succeeded", "failed", "blocked", "succeeded"]

    assert stack.post(f"/api/jobs/{job['id']}/tasks/a/retry").status_code == 409  # succeeded: not retryable
    assert stack.post(f"/api/jobs/{job['id']}/tasks/nope/retry").status_code == 404
    response = stack.post(f"/api/jobs/{job['id']}/tasks/b/retry")
    assert response.status_code == 200 and response.json()["status"] == "running"
    assert stack.wait(job["id"])["status"] == "succeeded"
    after = tasks_of(stack, job["id"])
    assert after["a"]["attempts"] == 1 and after["d"]["attempts"] == 1  # finished work is not run again
    assert after["b"]["attempts"] == 2 and after["c"]["attempts"] == 1
    assert after["a"]["finished_at"] == before["a"]["finished_at"]
    assert stack.post(f"/api/jobs/{job['id']}/retry_failed").status_code == 409  # nothing failed any more
    replay = stack.manage("dlq", "replay", "999999", check=False)
    assert replay.returncode != 0 and "no dead letter" in replay.stderr


def test_cancel_during_a_long_wait_cancels_the_job_within_seconds(production):
    stack = running(production, "transient")
    job = stack.submit(
        {"goal": "cancel me", "plan": {"tasks": [{"id": "long", "tool": "core.wait", "inputs": {"seconds": 60}}]}}
    )
    deadline = time.monotonic() + 20
    while tasks_of(stack, job["id"])["long"]["status"] != "running":
        assert time.monotonic() < deadline, stack.logs()
        time.sleep(0.1)
    cancelled_at = time.monotonic()
    assert stack.post(f"/api/jobs/{job['id']}/cancel").json()["status"] == "cancelled"
    while tasks_of(stack, job["id"])["long"]["status"] != "cancelled" and time.monotonic() - cancelled_at < 5:
        time.sleep(0.1)
    assert tasks_of(stack, job["id"])["long"]["status"] == "cancelled"
    assert stack.get(f"/api/jobs/{job['id']}").json()["status"] == "cancelled"
    assert stack.post(f"/api/jobs/{job['id']}/cancel").status_code == 409


def _effects(stack, job_id, key):
    path = stack.data_dir / "workspaces" / job_id / f"effects-{key}.log"
    return path.read_text().splitlines() if path.exists() else []


def test_a_killed_worker_s_task_is_completed_by_another_worker_once(production):
    stack = running(production, "transient", workers=0, AWE_HEARTBEAT_S="0.3", AWE_RECONCILE_INTERVAL_S="1")
    first = stack.start_worker("w1", concurrency=1)
    job = stack.submit(
        {
            "goal": "survive",
            "plan": {"tasks": [{"id": "work", "tool": "test.effect", "inputs": {"key": "work", "seconds": 2}}]},
        }
    )
    deadline = time.monotonic() + 20
    while tasks_of(stack, job["id"])["work"]["status"] != "running":
        assert time.monotonic() < deadline, stack.logs()
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)
    stack.start_worker("w2", concurrency=1)
    stack.start_beat()
    assert stack.wait(job["id"], timeout=60)["status"] == "succeeded", stack.logs()
    task = tasks_of(stack, job["id"])["work"]
    assert task["worker"].startswith("w2@") and task["attempts"] == 2
    assert _effects(stack, job["id"], "work") == ["done"]


def test_a_task_that_kills_its_worker_every_time_fails_for_good_after_its_attempts(production):
    """A lost worker is a transient failure: the task runs again while attempts are left, then is
    dead-lettered and its dependents blocked, instead of being failed over for ever."""
    stack = running(production, "transient", AWE_HEARTBEAT_S="0.3", AWE_RECONCILE_INTERVAL_S="1")
    stack.start_beat()
    plan = {
        "tasks": [
            {"id": "crash", "tool": "test.crash", "inputs": {}, "max_attempts": 2},
            {"id": "after", "tool": "core.wait", "inputs": {"seconds": 0}, "depends_on": ["crash"]},
        ]
    }
    job = stack.submit({"goal": "poison", "plan": plan})
    assert stack.wait(job["id"], timeout=90)["status"] == "failed", stack.logs()
    tasks = tasks_of(stack, job["id"])
    assert tasks["crash"]["status"] == "failed" and tasks["crash"]["attempts"] == 2
    assert tasks["crash"]["error"].endswith("was lost; attempt 2 of 2 was the last"), tasks["crash"]["error"]
    assert tasks["after"]["status"] == "blocked"
    attempts = stack.get(f"/api/jobs/{job['id']}/tasks/crash").json()["attempt_log"]
    assert [a["outcome"] for a in attempts] == ["lost", "lost"]
    assert f"{job['id']}/crash" in stack.manage("dlq", "list").stdout


def test_the_same_message_delivered_twice_runs_once(production):
    stack = running(production, "transient", workers=0)
    job = stack.submit(
        {
            "goal": "dup",
            "plan": {"tasks": [{"id": "once", "tool": "test.effect", "inputs": {"key": "once", "seconds": 1}}]},
        }
    )
    code = (
        "from executor.tasks import run_task; from jobs.models import Task; "
        f"t = Task.objects.get(job_id='{job['id']}', key='once'); "
        "[run_task.apply_async((t.pk,), task_id='dup-' + str(t.pk), queue='tools') for _ in range(2)]"
    )
    stack.manage("shell", "-c", code)
    stack.start_worker("w1", concurrency=2)
    assert stack.wait(job["id"])["status"] == "succeeded"
    assert _effects(stack, job["id"], "once") == ["done"]
    assert tasks_of(stack, job["id"])["once"]["attempts"] == 1


@CANVASES
def test_reconcile_finishes_a_job_after_redis_lost_every_message(production, canvas_max):
    import redis

    stack = running(production, "transient", workers=0, AWE_CANVAS_MAX_TASKS=canvas_max)
    plan = {
        "tasks": [
            {"id": f"t{i}", "tool": "core.wait", "inputs": {"seconds": 0.1}, "depends_on": [f"t{i - 1}"] if i else []}
            for i in range(4)
        ]
    }
    job = stack.submit({"goal": "lost messages", "plan": plan})
    unplanned = stack.submit({"goal": "Write a short note"})  # its planning message is lost too
    redis.Redis.from_url(stack.env["CELERY_BROKER_URL"]).flushdb()  # a Redis restart with nothing on disk
    stack.start_worker("w1", concurrency=2)
    time.sleep(1)
    assert stack.get(f"/api/jobs/{job['id']}").json()["status"] == "running"
    assert stack.get(f"/api/jobs/{unplanned['id']}").json()["status"] == "queued"
    dry = stack.manage("reconcile", "--dry-run", "--stale-after", "0").stdout
    assert "re-dispatch 2 jobs" in dry
    assert stack.get(f"/api/jobs/{job['id']}").json()["status"] == "running"
    stack.manage("reconcile", "--stale-after", "0")
    assert stack.wait(job["id"])["status"] == "succeeded", stack.logs()
    assert stack.wait(unplanned["id"])["status"] == "succeeded", stack.logs()
    again = stack.manage("reconcile", "--stale-after", "0").stdout
    assert "fail over 0 tasks, re-dispatch 0 jobs, settle 0 jobs, fail 0 jobs whose planner was lost" in again


def test_max_parallel_caps_tasks_in_flight(production):
    from datetime import datetime

    stack = running(production, "transient", workers=2)  # four slots, so the cap is what limits
    plan = {"tasks": [{"id": f"w{i}", "tool": "core.wait", "inputs": {"seconds": 0.3}} for i in range(6)]}
    job = stack.submit({"goal": "capped", "plan": plan, "budget": {"max_parallel": 2}})
    assert stack.wait(job["id"])["status"] == "succeeded", stack.logs()
    spans = [
        (datetime.fromisoformat(t["started_at"]), datetime.fromisoformat(t["finished_at"]))
        for t in stack.get(f"/api/jobs/{job['id']}/tasks").json()
    ]
    overlaps = [sum(1 for s, f in spans if s <= start < f) for start, _ in spans]
    assert max(overlaps) == 2


def test_a_job_s_max_runtime_cuts_a_long_tool_short_as_a_budget_failure(production):
    stack = running(production, "any")  # even under "any", running out of the job's time is not retried
    plan = {
        "tasks": [
            {"id": "quick", "tool": "core.wait", "inputs": {"seconds": 0.1}},
            {"id": "long", "tool": "core.wait", "inputs": {"seconds": 60}, "depends_on": ["quick"]},
        ]
    }
    job = stack.submit({"goal": "time boxed", "plan": plan, "budget": {"max_runtime_s": 2}})
    done = stack.wait(job["id"], timeout=30)
    assert done["status"] == "failed", stack.logs()
    tasks = {t["id"]: t for t in stack.get(f"/api/jobs/{job['id']}/tasks").json()}
    assert tasks["quick"]["status"] == "succeeded"
    long = tasks["long"]
    assert long["status"] == "failed" and long["error_class"] == "budget" and long["attempts"] == 1
    assert "max_runtime_s of 2 s" in long["error"]
    assert long["duration_s"] < 10


def test_siblings_finishing_side_by_side_promote_their_join_once(production):
    # An "N" (s0 -> x, s0 -> join, s1 -> join) sends x and the join by advance: twelve siblings
    # finish on eight slots at once and each completion may be the one that promotes the join.
    # Eight leaves after the join finish side by side too: each of the last completions probes
    # after its commit whether the job is done, and one of them must settle it.
    stack = running(production, "transient", workers=2)
    stack.start_worker("w3", concurrency=2)
    stack.start_worker("w4", concurrency=2)
    siblings = [f"s{i}" for i in range(12)]
    plan = {
        "tasks": [
            *({"id": s, "tool": "core.wait", "inputs": {"seconds": 0.05}} for s in siblings),
            {"id": "x", "tool": "core.wait", "inputs": {"seconds": 0}, "depends_on": ["s0"]},
            {"id": "join", "tool": "core.wait", "inputs": {"seconds": 0}, "depends_on": siblings},
            *({"id": f"l{i}", "tool": "core.wait", "inputs": {"seconds": 0}, "depends_on": ["join"]} for i in range(8)),
        ]
    }
    job = stack.submit({"goal": "fan-in", "plan": plan})
    assert stack.wait(job["id"])["status"] == "succeeded", stack.logs()
    join = tasks_of(stack, job["id"])["join"]
    assert join["dispatch"] == "advance"
    assert join["status"] == "succeeded" and join["attempts"] == 1
