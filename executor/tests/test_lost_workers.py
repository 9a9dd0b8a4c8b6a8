"""A task whose worker was lost (its attempt stopped beating) runs again, by the message that came
back or by the reconciler, only while its retry policy and attempts allow; then it fails for good."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from executor.reconcile import reconcile
from executor.run import execute
from jobs.models import DeadLetter, Event, Job, JobStatus, Task, TaskAttempt, TaskStatus
from jobs.tests.factories import job_with_plan, user
from jobs.transitions import move_job

pytestmark = pytest.mark.django_db

S = TaskStatus


def silent_worker(attempts: int, max_attempts: int) -> Job:
    """A running job whose task "a" is running on a worker that stopped beating an hour ago."""
    plan = {
        "tasks": [
            {"id": "a", "tool": "core.wait", "inputs": {"seconds": 0}, "max_attempts": max_attempts},
            {"id": "b", "tool": "core.wait", "inputs": {"seconds": 0}, "depends_on": ["a"]},
        ]
    }
    job, tasks = job_with_plan(user(), plan)
    move_job(job, JobStatus.RUNNING)
    Task.objects.filter(pk=tasks[0].pk).update(status=S.RUNNING, worker="gone@host", attempts=attempts)
    long_ago = timezone.now() - timedelta(hours=1)
    TaskAttempt.objects.create(
        task=tasks[0], number=attempts, worker="gone@host", started_at=long_ago, heartbeat_at=long_ago
    )
    return job


def task(job: Job, key: str) -> Task:
    return Task.objects.get(job=job, key=key)


def test_a_message_that_comes_back_takes_the_task_over_while_an_attempt_is_left():
    job = silent_worker(attempts=1, max_attempts=2)
    assert execute(task(job, "a").pk, worker="w2@host").status == "ran"
    a = task(job, "a")
    assert a.status == S.SUCCEEDED and a.attempts == 2 and a.worker == "w2@host"
    assert list(TaskAttempt.objects.filter(task=a).order_by("number").values_list("outcome", flat=True)) == [
        "lost",
        "succeeded",
    ]


def test_a_message_that_comes_back_after_the_last_attempt_fails_the_task_for_good():
    job = silent_worker(attempts=2, max_attempts=2)
    assert execute(task(job, "a").pk, worker="w2@host").status == "failed"
    a = task(job, "a")
    assert (a.status, a.attempts, a.error_class) == (S.FAILED, 2, "transient")
    assert a.error == "worker gone@host was lost; attempt 2 of 2 was the last"
    assert TaskAttempt.objects.get(task=a).outcome == "lost"
    assert DeadLetter.objects.get(task=a).reason == a.error
    assert task(job, "b").status == S.BLOCKED
    assert Job.objects.get(pk=job.pk).status == JobStatus.FAILED


def test_under_the_none_policy_a_lost_worker_is_not_retried(settings):
    settings.AWE_RETRY_POLICY = "none"
    job = silent_worker(attempts=1, max_attempts=3)
    assert execute(task(job, "a").pk, worker="w2@host").status == "failed"
    assert task(job, "a").error == "worker gone@host was lost; AWE_RETRY_POLICY=none does not retry it"


def test_the_reconciler_sends_a_lost_task_with_an_attempt_left_again():
    job = silent_worker(attempts=1, max_attempts=2)
    assert reconcile().failed_over == [f"{job.pk}/a"]
    assert task(job, "a").status == S.READY
    assert TaskAttempt.objects.get(task=task(job, "a")).outcome == "lost"
    assert Event.objects.get(job=job, type="job.redispatched").payload == {"failed_over": ["a"]}


def test_the_reconciler_fails_a_lost_task_with_no_attempt_left_and_settles_its_job():
    job = silent_worker(attempts=2, max_attempts=2)
    reconcile()
    assert task(job, "a").status == S.FAILED and task(job, "b").status == S.BLOCKED
    assert Job.objects.get(pk=job.pk).status == JobStatus.FAILED
    event = Event.objects.get(job=job, type="job.redispatched")
    assert event.payload == {"failed_over": [], "failed": ["a"]}
    assert reconcile().counts() == {"failed_over": 0, "redispatched": 0, "settled": 0, "planning_lost": 0}
