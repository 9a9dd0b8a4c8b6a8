"""The reconciler: makes the database and the broker agree again after lost messages or workers.

Run by Celery beat every ``AWE_RECONCILE_INTERVAL_S`` and by ``manage.py reconcile``. It is
idempotent: a second run right after the first finds nothing to do.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from executor.lost import close_lost_attempt, fail_lost, is_silent, lock_if_still_lost, may_run_again
from executor.planning import send_for_planning
from executor.scheduling import dispatch, settle
from jobs.events import record
from jobs.models import TASK_TERMINAL, Event, Job, JobStatus, Task, TaskStatus
from jobs.transitions import move_job, move_task

log = logging.getLogger(__name__)
S = TaskStatus


@dataclass
class Report:
    failed_over: list[str] = field(default_factory=list)  # "job/task" whose worker was gone
    redispatched: list[str] = field(default_factory=list)  # job ids whose waiting tasks were re-sent
    settled: list[str] = field(default_factory=list)  # job ids finished from their tasks
    planning_lost: list[str] = field(default_factory=list)  # job ids failed: their planner was gone
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        return {
            "failed_over": len(self.failed_over),
            "redispatched": len(self.redispatched),
            "settled": len(self.settled),
            "planning_lost": len(self.planning_lost),
        }


def reconcile(*, stale_s: float | None = None, dry_run: bool = False) -> Report:
    """Make the database and the broker agree (docs/executor.md, The reconciler)."""
    stale = timedelta(seconds=settings.AWE_RECONCILE_STALE_S if stale_s is None else stale_s)
    report = Report(dry_run=dry_run)
    now = timezone.now()
    last_event = dict(
        Job.objects.filter(status=JobStatus.RUNNING).annotate(last=Max("events__created_at")).values_list("pk", "last")
    )
    for job_id, last in last_event.items():
        idle = last is None or now - last >= stale
        tasks = list(Task.objects.filter(job_id=job_id))
        if all(t.status in TASK_TERMINAL or t.status == S.BLOCKED for t in tasks):
            report.settled.append(str(job_id))
            if not dry_run:
                settle(job_id)
            continue
        lost = [t for t in tasks if t.status == S.RUNNING and is_silent(t)]
        for task in lost:
            report.failed_over.append(f"{job_id}/{task.key}")
        waiting = any(t.status in (S.PENDING, S.READY, S.RETRYING) for t in tasks)
        if not lost and not (idle and waiting):
            continue
        report.redispatched.append(str(job_id))
        if not dry_run:
            _recover(job_id, lost, idle=idle)
    _not_yet_running(report, now, stale)
    return report


def _not_yet_running(report: Report, now: datetime, stale: timedelta) -> None:
    """A queued job with no event for ``stale`` may have lost its planning message: it is sent
    again (a duplicate is dropped, as planning starts only from queued). A job still planning
    ``AWE_PLANNING_TIMEOUT_S`` (plus a minute) after its last event lost its planner — the time
    limit stops a live one — and fails."""
    gone = timedelta(seconds=settings.AWE_PLANNING_TIMEOUT_S + 60)
    jobs = Job.objects.filter(status__in=(JobStatus.QUEUED, JobStatus.PLANNING)).annotate(
        last=Max("events__created_at")
    )
    for job_id, status, last, priority in jobs.values_list("pk", "status", "last", "priority"):
        idle = now - last if last is not None else gone
        if status == JobStatus.QUEUED and idle >= stale:
            report.redispatched.append(str(job_id))
            if not report.dry_run:
                _plan_again(job_id, priority)
        elif status == JobStatus.PLANNING and idle >= gone:
            report.planning_lost.append(str(job_id))
            if not report.dry_run:
                _fail_lost_planning(job_id, gone)


def _plan_again(job_id: uuid.UUID, priority: int) -> None:
    with transaction.atomic():
        record(job_id, "job.redispatched", {"planning": "sent again"})
        send_for_planning(job_id, priority)


def _fail_lost_planning(job_id: uuid.UUID, gone: timedelta) -> None:
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        last = Event.objects.filter(job=job).aggregate(last=Max("created_at"))["last"]
        if job.status != JobStatus.PLANNING or (last is not None and timezone.now() - last < gone):
            return  # it moved on meanwhile
        limit = settings.AWE_PLANNING_TIMEOUT_S
        move_job(
            job,
            JobStatus.FAILED,
            error=f"planning stopped: no event for longer than AWE_PLANNING_TIMEOUT_S={limit:g} s; its worker was lost",
        )


def _recover(job_id: uuid.UUID, lost: list[Task], *, idle: bool) -> None:
    failed_over, failed = [], []
    with transaction.atomic():
        for seen in lost:  # the task's lock first, then its attempts: the one lock order
            task = lock_if_still_lost(seen)  # None: a redelivered message took it over meanwhile
            if task is None:
                continue
            if not may_run_again(task):  # no attempt left: it fails for good (executor.lost)
                fail_lost(task)
                failed.append(task.key)
                continue
            move_task(task, S.READY, held=True, event={"lost_worker": task.worker, "by": "reconciler"})
            close_lost_attempt(task, f"worker {task.worker} stopped heart-beating")
            failed_over.append(task.key)
        for task in Task.objects.filter(job_id=job_id, status=S.RETRYING) if idle else []:
            move_task(task, S.READY, event={"by": "reconciler", "because": "retry message may be lost"})
        record(job_id, "job.redispatched", {"failed_over": failed_over, **({"failed": failed} if failed else {})})
        dispatch(job_id)
    if failed:
        settle(job_id)
