"""Following a job's events from a process with the database (``watch``, ``submit --wait``)."""

from __future__ import annotations

import pytest

from jobs import follow as module
from jobs.models import Job, JobStatus
from jobs.tests.factories import job_with_plan, user
from jobs.transitions import move_job

pytestmark = pytest.mark.django_db


def test_a_job_that_ends_between_the_events_read_and_the_status_read_still_yields_its_last_events(
    monkeypatch, settings
):
    settings.EVENTSTREAM_REDIS = None  # wake by polling the table
    job, _ = job_with_plan(user())
    job = move_job(job, JobStatus.RUNNING)
    real = Job.objects

    class EndsNow:
        """The job's status is read just after the job has ended (and recorded ``job.succeeded``)."""

        def filter(self, **lookup):  # type: ignore[no-untyped-def]
            monkeypatch.setattr(module.Job, "objects", real)
            move_job(real.get(pk=job.pk), JobStatus.SUCCEEDED)
            return real.filter(**lookup)

    monkeypatch.setattr(module.Job, "objects", EndsNow())
    seen = [event.type for event in module.follow(job.pk, poll_s=0.01, timeout_s=10)]
    assert seen[-1] == "job.succeeded"
    assert seen.count("job.succeeded") == 1
