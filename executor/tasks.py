"""Celery tasks: thin wrappers that carry ids and call plain functions."""

from __future__ import annotations

from celery import shared_task
from celery.app.task import Task as CeleryTask
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from executor import planning, run


@shared_task(
    name="executor.plan_job",
    acks_late=True,
    soft_time_limit=settings.AWE_PLANNING_TIMEOUT_S,
    time_limit=settings.AWE_PLANNING_TIMEOUT_S + 30,
)
def plan_job(job_id: str) -> None:
    try:
        planning.plan_and_start(job_id)
    except SoftTimeLimitExceeded:
        planning.planning_timed_out(job_id)


@shared_task(bind=True, name="executor.run_task", acks_late=True, max_retries=None)
def run_task(self: CeleryTask, task_pk: int) -> str:
    outcome = run.execute(task_pk, worker=self.request.hostname or "unknown", celery_id=self.request.id or "")
    if outcome.retry_in_s is not None:
        raise self.retry(countdown=outcome.retry_in_s, max_retries=None)
    return outcome.status


@shared_task(name="executor.dead_letter")
def dead_letter(letter_pk: int, **payload: object) -> None:
    """Only consumed if an operator points a worker at the ``dlq`` queue: it changes nothing;
    replay dead letters with ``manage.py dlq replay`` or the admin."""


@shared_task(name="executor.reconcile")
def reconcile() -> dict[str, int]:
    from executor.reconcile import reconcile as run_reconcile

    return run_reconcile().counts()
