"""User actions on running jobs: cancel (retry and replan come with their issues)."""

from __future__ import annotations

from django.db import transaction

from jobs.models import Job, JobStatus, Task, TaskStatus
from jobs.transitions import move_job, move_task

S = TaskStatus


def cancel_job(job: Job) -> Job:
    """Cancel a job: tasks not yet running are cancelled now; running ones stop at their next
    cancellation check and are then recorded as cancelled."""
    with transaction.atomic():
        job = move_job(job, JobStatus.CANCELLED)
        for task in Task.objects.filter(job=job, status__in=[S.PENDING, S.READY, S.RETRYING, S.BLOCKED]):
            move_task(task, S.CANCELLED, event={"because": "job cancelled"})
    return job
