"""The one-statement claim and success on PostgreSQL (``jobs.hotpath``): what they write is what
the general path writes, they take their locks in its order, and every case that is not theirs
is left to it with nothing written.

A Django shell on a fresh PostgreSQL database runs each script and prints what it saw."""

from __future__ import annotations

from typing import Any

import pytest

from jobs.tests.shell import LOCK_PRELUDE, run_script

pytestmark = [pytest.mark.integration, pytest.mark.production]


_CLAIM_SCRIPT = (
    LOCK_PRELUDE
    + """
import json
from jobs.models import Event, JobStatus, Task, TaskAttempt
from jobs.tests import factories
from jobs.hotpath import claim_runnable
from jobs.transitions import move_job

owner = factories.user("one-statement")
plan = {"tasks": [
    {"id": "a", "tool": "core.wait", "inputs": {"seconds": 0}},
    {"id": "b", "tool": "core.wait", "inputs": {"seconds": 0}, "depends_on": ["a"]},
    {"id": "c", "tool": "core.wait", "inputs": {"seconds": 0}, "depends_on": ["a"]},
    {"id": "d", "tool": "core.wait", "inputs": {"seconds": 0}},
]}
job, (a, b, c, d) = factories.job_with_plan(owner, plan)
move_job(job, JobStatus.RUNNING)

def state(task):
    task.refresh_from_db()
    events = [[e.seq, e.type, e.payload] for e in Event.objects.filter(job=job, task_key=task.key).order_by("seq")]
    attempts = [[t.number, t.worker, t.outcome] for t in TaskAttempt.objects.filter(task=task)]
    return {"status": task.status, "attempts": task.attempts, "worker": task.worker, "celery_id": task.celery_id,
            "events": events, "attempt_rows": attempts}

seen = {}
seen["parent running"] = claim_runnable(b.pk, "w@h", "m-1") is None
Task.objects.filter(pk=a.pk).update(status="succeeded", output={"n": 1})
before = Event.objects.filter(job=job).count()
claimed = claim_runnable(b.pk, "w@h", "m-2")
seen["claimed"] = [claimed.task.status, claimed.task.job.status, claimed.attempt.number, claimed.parents,
                   claimed.attempt.pk == TaskAttempt.objects.get(task=b).pk]
seen["b"] = state(b)
seen["seq after"] = before
seen["running again"] = claim_runnable(b.pk, "w@h", "m-3") is None
Task.objects.filter(pk=d.pk).update(status="retrying", attempts=1)
claim_runnable(d.pk, "w@h", "m-4")
seen["d"] = state(d)

seen["while the job is locked for update"] = while_job_is_locked(c, lambda: claim_runnable(c.pk, "w@h", "m-5"))
seen["c after the wait"] = state(c)
move_job(job, JobStatus.CANCELLED)
seen["job cancelled"] = claim_runnable(c.pk, "w@h", "m-6") is None
seen["c"] = state(c)
print("RESULT " + json.dumps(seen))
"""
)


_SUCCESS_SCRIPT = (
    LOCK_PRELUDE
    + """
import json
from jobs.hotpath import claim_runnable, succeed_running
from jobs.models import Event, JobStatus, Task, TaskAttempt
from jobs.tests import factories
from jobs.transitions import move_job

owner = factories.user("succeeder")
def wait(key, after=()):
    return {"id": key, "tool": "core.wait", "inputs": {"seconds": 0}, "depends_on": list(after)}
job, tasks = factories.job_with_plan(owner, {"tasks": [
    wait("a"), wait("b", "a"), wait("c", "a"), wait("x"), wait("y"), wait("z", "xy"), wait("lone"),
]})
t = {task.key: task for task in tasks}
move_job(job, JobStatus.RUNNING)

def state(key):
    task = Task.objects.get(pk=t[key].pk)
    return {"status": task.status, "output": task.output,
            "events": [[e.seq, e.type, e.payload] for e in Event.objects.filter(job=job, task_key=key).order_by("seq")],
            "attempts": [[a.number, a.outcome, a.finished_at is not None] for a in TaskAttempt.objects.filter(task_id=task.pk)]}

def claim(key):
    return claim_runnable(t[key].pk, "w@h", f"m-{key}")

seen = {}
a = claim("a")
before = Event.objects.filter(job=job).count()
done = succeed_running(a.task, a.attempt.pk, {"n": 1, "note": "é"})
seen["a promoted"] = [[p.key, p.status, p.dispatch, p.tool] for p in done.promoted]
seen["a priority"] = done.job_priority
seen["first seq"] = before + 1
seen["a"], seen["b"], seen["c"] = state("a"), state("b"), state("c")

x, y = claim("x"), claim("y")
seen["x while y runs"] = succeed_running(x.task, x.attempt.pk, {}) is None
seen["x after"] = state("x")
Task.objects.filter(pk=t["y"].pk).update(status="succeeded")
done = succeed_running(x.task, x.attempt.pk, {})
seen["x once y succeeded"] = [p.key for p in done.promoted]
seen["z"] = state("z")["status"]

lone = claim("lone")
seen["while the job is locked for update"] = while_job_is_locked(
    t["lone"], lambda: succeed_running(lone.task, lone.attempt.pk, {}))
seen["lone after the wait"] = state("lone")["status"]
Task.objects.filter(pk=t["lone"].pk).update(status="cancelled")
seen["lone cancelled"] = succeed_running(lone.task, lone.attempt.pk, {}) is None

capped, (only,) = factories.job_with_plan(owner, {"tasks": [wait("only")]})
capped.budget = {"max_parallel": 2}
capped.save()
move_job(capped, JobStatus.RUNNING)
c = claim_runnable(only.pk, "w@h", "m-only")
seen["capped"] = succeed_running(c.task, c.attempt.pk, {}) is None
c.task.job.budget = {}  # as read at the claim, before an operator set a cap: the statement reads it again
seen["capped, read under the lock"] = succeed_running(c.task, c.attempt.pk, {}) is None
seen["only"] = Task.objects.get(pk=only.pk).status
move_job(job, JobStatus.CANCELLED)
seen["job cancelled"] = succeed_running(c.task, c.attempt.pk, {}) is None or "capped job still ran"
print("RESULT " + json.dumps(seen))
"""
)


@pytest.fixture(scope="module")
def claims(pg_stack) -> dict[str, object]:
    return run_script(pg_stack, _CLAIM_SCRIPT)


def test_the_common_claim_is_claims_with_the_moves_events_and_attempt(claims):
    seen: dict[str, Any] = claims
    assert seen["parent running"] is True  # left to the general path, nothing written
    assert seen["claimed"] == ["running", "running", 1, [["a", "succeeded", {"n": 1}]], True]
    first = seen["seq after"] + 1
    assert seen["b"] == {
        "status": "running", "attempts": 1, "worker": "w@h", "celery_id": "m-2",
        "events": [[first, "task.ready", {"from": "pending"}],
                   [first + 1, "task.running", {"from": "ready", "worker": "w@h"}]],
        "attempt_rows": [[1, "w@h", ""]],
    }  # fmt: skip
    assert seen["running again"] is True
    assert seen["d"]["status"] == "running" and seen["d"]["attempts"] == 2
    assert seen["d"]["events"] == [[first + 2, "task.running", {"from": "retrying", "worker": "w@h"}]]
    assert seen["d"]["attempt_rows"] == [[2, "w@h", ""]]


def test_the_claims_claim_waits_for_a_move_that_holds_the_job_and_claims_nothing_in_a_stopped_job(claims):
    seen: dict[str, Any] = claims
    assert seen["while the job is locked for update"] == "waited"
    assert seen["c after the wait"]["status"] == "pending" and seen["c after the wait"]["events"] == []
    assert seen["job cancelled"] is True
    assert seen["c"]["attempt_rows"] == [] and seen["c"]["status"] != "running"


@pytest.fixture(scope="module")
def successes(pg_stack) -> dict[str, Any]:
    return run_script(pg_stack, _SUCCESS_SCRIPT)


def test_a_success_is_one_statement_with_the_output_the_attempt_the_promoted_children_and_their_events(successes):
    seen = successes
    first = seen["first seq"]
    assert seen["a"]["status"] == "succeeded" and seen["a"]["output"] == {"n": 1, "note": "é"}
    assert seen["a"]["attempts"] == [[1, "succeeded", True]]
    assert seen["a"]["events"][-1] == [first, "task.succeeded", {"from": "running"}]
    assert seen["b"]["events"] == [[first + 1, "task.ready", {"from": "pending"}]]
    assert seen["c"]["events"] == [[first + 2, "task.ready", {"from": "pending"}]]
    assert seen["b"]["status"] == seen["c"]["status"] == "ready"
    assert [p[:2] for p in seen["a promoted"]] == [["b", "ready"], ["c", "ready"]]
    assert all(p[3] == "core.wait" and p[2] in ("canvas", "advance", "later") for p in seen["a promoted"])
    assert seen["a priority"] == 1


def test_a_child_whose_other_parent_has_not_succeeded_leaves_the_success_to_the_general_path(successes):
    # x and y both feed z: x's statement cannot know whether y is finishing beside it
    assert successes["x while y runs"] is True
    assert successes["x after"]["status"] == "running"
    assert [e[1] for e in successes["x after"]["events"]] == ["task.ready", "task.running"]  # nothing more
    assert successes["x after"]["attempts"] == [[1, "", False]]
    assert successes["x once y succeeded"] == ["z"] and successes["z"] == "ready"


def test_the_one_statement_success_waits_for_a_move_that_holds_the_job_and_leaves_other_cases_alone(successes):
    assert successes["while the job is locked for update"] == "waited"
    assert successes["lone after the wait"] == "running"
    assert successes["lone cancelled"] is True
    assert successes["capped"] is True  # a cap on tasks in flight: the general path counts them
    assert successes["capped, read under the lock"] is True and successes["only"] == "running"
    assert successes["job cancelled"] is True
