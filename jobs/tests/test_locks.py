"""Row locks on PostgreSQL: claims and completions of one job share the job's row and run side by
side; a move that takes the job's row for update (cancel, retry, settle) waits for them; the
job's event counter is locked only from a claim's or a completion's last statement to commit.

A Django shell on a fresh PostgreSQL database holds a claim's locks in one thread and asks for
another lock in a second thread with a ``lock_timeout``: a lock that would wait fails at once
instead of hanging the test."""

from __future__ import annotations

import pytest

from jobs.tests.shell import LOCK_PRELUDE, run_script

pytestmark = [pytest.mark.integration, pytest.mark.production]

_SCRIPT = (
    LOCK_PRELUDE
    + """
import json
from jobs.events import gathered, record
from jobs.models import JobStatus
from jobs.tests import factories
from jobs.transitions import lock_task, move_job

job, (a, b) = factories.job_with_plan(factories.user(), {"tasks": [
    {"id": "a", "tool": "core.wait", "inputs": {"seconds": 0}},
    {"id": "b", "tool": "core.wait", "inputs": {"seconds": 0}},
]})
move_job(job, JobStatus.RUNNING)
ASKS = {
    "claim of another task": lambda: lock_task(b.pk),
    "claim of the same task": lambda: lock_task(a.pk),
    "job for update": lambda: lock_job_of(b),
    "event": lambda: record(job, "test.asked", task_key="b"),
}

def case(phase, ask):
    def hold(pause):  # a claim's locks, held mid-claim or after its events are written
        with transaction.atomic():
            with gathered():
                lock_task(a.pk)
                record(job, "test.held", task_key="a")
                if phase == "mid-claim":
                    pause()
            if phase == "events written":
                pause()

    def asking():
        with transaction.atomic():
            ASKS[ask]()

    return while_held(hold, asking)

results = {f"{phase}: {ask}": case(phase, ask)
           for phase in ("mid-claim", "events written") for ask in ASKS}
print("RESULT " + json.dumps(results))
"""
)


_CLAIM_SCRIPT = """
import json
from django.db import transaction
from executor.run import execute
from jobs.models import JobStatus, Task, TaskAttempt
from jobs.tests import factories
from jobs.transitions import lock_for_claim, move_job

job, (a, b) = factories.job_with_plan(factories.user("claimer"), {"tasks": [
    {"id": "a", "tool": "core.wait", "inputs": {"seconds": 0}},
    {"id": "b", "tool": "core.wait", "inputs": {"seconds": 0}, "depends_on": ["a"]},
]})
move_job(job, JobStatus.RUNNING)
Task.objects.filter(pk=a.pk).update(status="succeeded", output={"waited_s": 0.5, "note": "é"})
Task.objects.filter(pk=b.pk).update(status="ready")
with transaction.atomic():
    reserved = lock_for_claim(b.pk)
outcome = execute(b.pk, worker="w@h")
attempt = TaskAttempt.objects.get(task=b)
print("RESULT " + json.dumps({
    "parents": reserved.parents, "reserved": reserved.attempt_id, "outcome": outcome.status,
    "attempt": [attempt.pk, attempt.number, attempt.worker, attempt.outcome],
}))
"""


@pytest.fixture(scope="module")
def outcomes(pg_stack) -> dict[str, object]:
    return run_script(pg_stack, _SCRIPT)


def test_a_claim_reads_the_parents_and_reserves_its_attempt_id_in_its_locking_statement(pg_stack):
    seen = run_script(pg_stack, _CLAIM_SCRIPT)
    assert seen["parents"] == [["a", "succeeded", {"waited_s": 0.5, "note": "é"}]]
    assert isinstance(seen["reserved"], int)
    # The claim that ran reserved the next id and inserted its attempt with it, with its events.
    assert seen["outcome"] == "ran" and seen["attempt"] == [seen["reserved"] + 1, 1, "w@h", "succeeded"]


def test_a_claim_of_another_task_of_the_same_job_does_not_wait(outcomes):
    assert outcomes["mid-claim: claim of another task"] == "granted"
    assert outcomes["events written: claim of another task"] == "granted"


def test_the_same_task_is_claimed_by_one_transaction_at_a_time(outcomes):
    assert outcomes["mid-claim: claim of the same task"] == "waited"


def test_a_move_that_takes_the_job_for_update_waits_for_claims_in_flight(outcomes):
    assert outcomes["mid-claim: job for update"] == "waited"
    assert outcomes["events written: job for update"] == "waited"


def test_the_event_counter_is_locked_only_from_the_last_statement_to_commit(outcomes):
    assert outcomes["mid-claim: event"] == "granted"  # the claim's events are not written yet
    assert outcomes["events written: event"] == "waited"  # numbered in commit order
