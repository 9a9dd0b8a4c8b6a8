"""Celery tasks: thin wrappers that carry ids and call plain functions."""

from __future__ import annotations

from celery import shared_task
from celery.app.task import Task as CeleryTask

from executor import planning, run


@shared_task(name="executor.plan_job", acks_late=True)
def plan_job(job_id: str) -> None:
    planning.plan_and_start(job_id)


@shared_task(bind=True, name="executor.run_task", acks_late=True, max_retries=None)
def run_task(self: CeleryTask, task_pk: int) -> str:
    outcome = run.execute(task_pk, worker=self.request.hostname or "unknown")
    if outcome.retry_in_s is not None:
        raise self.retry(countdown=outcome.retry_in_s, max_retries=None)
    return outcome.status
