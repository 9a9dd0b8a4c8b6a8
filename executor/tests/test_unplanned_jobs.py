"""Jobs not yet running: the reconciler sends a queued job's planning message again when it may
be lost, and fails a job whose planner was lost; planning stops at AWE_PLANNING_TIMEOUT_S."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from executor.planning import planning_timed_out
from executor.reconcile import reconcile
from executor.tasks import plan_job
from jobs import actions
from jobs.models import Event, Job, JobStatus
from jobs.tests.factories import user
from jobs.transitions import move_job

pytestmark = pytest.mark.django_db


def job_idle_for(status: JobStatus, seconds: float, name: str = "alice") -> Job:
    job = actions.create_job(user(name), "a goal")
    if status == JobStatus.PLANNING:
        move_job(job, JobStatus.PLANNING)
    Event.objects.filter(job=job).update(created_at=timezone.now() - timedelta(seconds=seconds))
    return job


def test_a_queued_job_whose_planning_message_may_be_lost_is_sent_again_once():
    """(That the message goes out and the job is planned: test_reliability, Redis flushed.)"""
    job = job_idle_for(JobStatus.QUEUED, 600)
    fresh = job_idle_for(JobStatus.QUEUED, 5, "bob")
    assert reconcile().redispatched == [str(job.pk)]
    assert Event.objects.get(job=job, type="job.redispatched").payload == {"planning": "sent again"}
    assert not Event.objects.filter(job=fresh, type="job.redispatched").exists()
    assert reconcile().counts() == {"failed_over": 0, "redispatched": 0, "settled": 0, "planning_lost": 0}


def test_a_job_planning_past_the_time_limit_lost_its_planner_and_fails(settings):
    settings.AWE_PLANNING_TIMEOUT_S = 60
    lost = job_idle_for(JobStatus.PLANNING, 121)
    slow = job_idle_for(JobStatus.PLANNING, 119, "bob")  # the limit and a minute: not yet
    assert reconcile(dry_run=True).planning_lost == [str(lost.pk)]
    assert Job.objects.get(pk=lost.pk).status == JobStatus.PLANNING  # a dry run changes nothing
    assert reconcile().planning_lost == [str(lost.pk)]
    failed = Job.objects.get(pk=lost.pk)
    assert failed.status == JobStatus.FAILED
    assert failed.error == "planning stopped: no event for longer than AWE_PLANNING_TIMEOUT_S=60 s; its worker was lost"
    assert Job.objects.get(pk=slow.pk).status == JobStatus.PLANNING
    assert reconcile().counts()["planning_lost"] == 0


def test_planning_stops_at_its_time_limit_and_fails_the_job(settings):
    assert (plan_job.soft_time_limit, plan_job.time_limit) == (
        settings.AWE_PLANNING_TIMEOUT_S,
        settings.AWE_PLANNING_TIMEOUT_S + 30,
    )
    job = job_idle_for(JobStatus.PLANNING, 0)
    planning_timed_out(str(job.pk))
    failed = Job.objects.get(pk=job.pk)
    assert failed.status == JobStatus.FAILED
    assert failed.error == f"planning took longer than AWE_PLANNING_TIMEOUT_S={settings.AWE_PLANNING_TIMEOUT_S:g} s"
