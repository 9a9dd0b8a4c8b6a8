"""The reconciler: makes the database and the broker agree again after lost messages or workers.

Run by Celery beat every ``AWE_RECONCILE_INTERVAL_S`` and by ``manage.py reconcile``. It is
idempotent: a second run right after the first finds nothing to do.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from executor.lost import close_lost_attempt, fail_lost, is_silent, lock_if_still_lost, may_run_again
from executor.scheduling import dispatch, settle
from jobs.events import record
from jobs.models import TASK_TERMINAL, Job, JobStatus, Task, TaskStatus
from jobs.transitions import move_task

log = logging.getLogger(__name__)
S = TaskStatus


@dataclass
class Report:
    failed_over: list[str] = field(default_factory=list)  # "job/task" whose worker was gone
    redispatched: list[str] = field(default_factory=list)  # job ids whose waiting tasks were re-sent
    settled: list[str] = field(default_factory=list)  # job ids finished from their tasks
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        return {
            "failed_over": len(self.failed_over),
            "redispatched": len(self.redispatched),
            "settled": len(self.settled),
        }


def reconcile(*, stale_s: float | None = None, dry_run: bool = False) -> Report:
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
    return report


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
