"""User and operator actions on jobs: cancel, retry one task, retry every failed task."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from executor import report
from executor.scheduling import descendants, dispatch
from jobs.models import DeadLetter, Job, JobStatus, Task, TaskStatus
from jobs.transitions import IllegalTransition, move_job, move_task

S = TaskStatus


def cancel_job(job: Job) -> Job:
    """Cancel a job: every unfinished task is cancelled now; running ones are also revoked
    (terminated) on their workers, and a tool that checks for cancellation stops at once."""
    with transaction.atomic():
        job = move_job(job, JobStatus.CANCELLED)
        running = [t.celery_id for t in Task.objects.filter(job=job, status=S.RUNNING) if t.celery_id]
        unfinished = list(
            Task.objects.filter(job=job, status__in=[S.PENDING, S.READY, S.RUNNING, S.RETRYING, S.BLOCKED])
        )
        for task in unfinished:
            move_task(task, S.CANCELLED, event={"because": "job cancelled"})
        report.on_commit(report.job_cancelled, unfinished)
        if running:
            transaction.on_commit(lambda: _revoke(running))
    return job


def _revoke(celery_ids: list[str]) -> None:
    from awe_project.celery import app

    app.control.revoke(celery_ids, terminate=True, signal="SIGTERM")


def _attempt_budget(task: Task) -> int:
    planned: dict[str, object] = next((t for t in task.plan.dag.get("tasks", []) if t.get("id") == task.key), {})
    return int(str(planned.get("max_attempts") or settings.AWE_MAX_ATTEMPTS))


def retry_tasks(job: Job, keys: Iterable[str]) -> Job:
    """Retry failed tasks: the job runs again, the tasks get a fresh set of attempts, their
    blocked dependents wait again, and only the unfinished part of the DAG is recompiled."""
    wanted = set(keys)
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        tasks = list(Task.objects.filter(job=job).select_related("plan"))
        targets = [t for t in tasks if t.key in wanted]
        for task in targets:
            if task.status != S.FAILED:
                raise IllegalTransition(f"task {task.key!r}", task.status, "retried")
        if not targets:
            raise IllegalTransition(f"job {job.pk}", job.status, "retried (no failed task)")
        if job.status == JobStatus.FAILED:
            job = move_job(job, JobStatus.RUNNING, retried=sorted(wanted))
        elif job.status != JobStatus.RUNNING:
            raise IllegalTransition(f"job {job.pk}", job.status, "retried")
        resumed: set[str] = set()
        for task in targets:
            move_task(
                task, S.PENDING, max_attempts=task.attempts + _attempt_budget(task), error="", error_class="",
                event={"retry": True},
            )  # fmt: skip
            resumed |= descendants(tasks, task.key)
        for task in tasks:
            if task.key in resumed and task.status == S.BLOCKED:
                move_task(task, S.PENDING, event={"because": "upstream retried"})
        DeadLetter.objects.filter(task__in=targets, replayed=False).update(replayed=True, replayed_at=timezone.now())
        dispatch(job.pk)
    return job


def retry_failed(job: Job) -> Job:
    keys = list(Task.objects.filter(job=job, status=S.FAILED).values_list("key", flat=True))
    if not keys:
        raise IllegalTransition(f"job {job.pk}", job.status, "retried (no failed task)")
    return retry_tasks(job, keys)
