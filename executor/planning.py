"""Submitting jobs and turning goals into running plans."""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from executor.scheduling import dispatch, settle
from jobs import actions
from jobs import usage as usage_of_jobs
from jobs.models import Job, JobStatus
from jobs.models import Plan as PlanRow
from jobs.transitions import move_job
from observability import logs, metrics, tracing
from planner import service
from planner.llm import Attempt, PlanningFailed
from planner.schema import Plan
from planner.validate import PlanInvalid
from tools.errors import BudgetError
from tools.redact import redact

log = logging.getLogger(__name__)


def submit(
    owner: User,
    goal: str,
    *,
    context_json: dict[str, Any] | None = None,
    priority: int = 1,
    budget: dict[str, Any] | None = None,
    plan: dict[str, Any] | None = None,
) -> Job:
    """Create a job. With an explicit plan it is validated first (``PlanInvalid`` leaves no job
    behind) and starts at once; otherwise the planner runs on a worker."""
    budget = {**settings.AWE_DEFAULT_BUDGET, **(budget or {})}
    try:
        checked = service.check(plan, budget) if plan is not None else None
    except PlanInvalid as exc:
        metrics.count_plan_rejection([p.code for p in exc.problems])
        raise
    with transaction.atomic():
        job = actions.create_job(owner, goal, context_json=context_json, priority=priority, budget=budget)
        if plan is not None and checked is not None:
            _start(job, plan, checked, source="explicit")
        else:
            send_for_planning(job.pk, priority)
        source = "planner" if plan is None else "explicit"
        transaction.on_commit(lambda: metrics.count_job_created(source))
    tracing.annotate(job_id=str(job.pk))  # the request's span: POST /api/jobs
    return job


def send_for_planning(job_id: uuid.UUID | str, priority: int) -> None:
    """Put the job's planning message on the queue once the caller's transaction commits."""
    from executor.tasks import plan_job

    transaction.on_commit(lambda: plan_job.apply_async((str(job_id),), priority=priority))


def _start(job: Job, raw: dict[str, Any], checked: Plan, *, source: str) -> None:
    with transaction.atomic():
        saved = actions.save_plan(job, raw, source=source)
        _run_plan(job, saved, checked)


def _run_plan(job: Job, saved: PlanRow, checked: Plan) -> None:
    with transaction.atomic():
        actions.create_tasks(saved, checked)
        move_job(job, JobStatus.RUNNING)
        dispatch(job.pk)


def planning_timed_out(job_id: str) -> None:
    """Planning ran past ``AWE_PLANNING_TIMEOUT_S`` (Celery's soft time limit): the job fails."""
    job = Job.objects.get(pk=job_id)
    if job.status == JobStatus.PLANNING:
        limit = settings.AWE_PLANNING_TIMEOUT_S
        move_job(job, JobStatus.FAILED, error=f"planning took longer than AWE_PLANNING_TIMEOUT_S={limit:g} s")


def plan_and_start(job_id: str) -> None:
    """Worker side of planning: propose (and repair), keep every version, start or fail the job."""
    tracing.annotate(job_id=str(job_id))
    with logs.for_task(job_id=job_id):
        _plan_and_start(job_id)


def _plan_and_start(job_id: str) -> None:
    job = Job.objects.get(pk=job_id)
    if job.status != JobStatus.QUEUED:
        return  # a redelivered message for a job already planned
    job = move_job(job, JobStatus.PLANNING)
    versions: list[PlanRow] = []
    started = time.perf_counter()

    def keep(attempt: Attempt, source: str) -> None:
        problems = [p.as_dict() for p in attempt.problems]
        usage = asdict(attempt.usage) if attempt.usage else None
        versions.append(actions.save_plan(job, attempt.raw, source=source, problems=problems, usage=usage))
        if problems:
            metrics.count_plan_rejection([str(p["code"]) for p in problems])
        if attempt.usage is not None:
            try:
                usage_of_jobs.charge(job, attempt.usage, plan=versions[-1])
            except BudgetError as exc:
                raise PlanningFailed(exc.message, exc.error_class) from None

    try:
        _, checked = service.make_plan(job.goal, job.context_json, keep, job.budget)
    except PlanInvalid as exc:
        metrics.observe_planning("invalid", time.perf_counter() - started)
        if not versions:  # the offline planners' plan is checked before it is kept
            metrics.count_plan_rejection([p.code for p in exc.problems])
        log.warning("planning failed: no valid plan after %s attempt(s): %s", len(versions), str(exc)[:500])
        move_job(job, JobStatus.FAILED, error=f"plan invalid after {len(versions)} attempt(s): {exc}"[:4000])
        return
    except PlanningFailed as exc:
        metrics.observe_planning("failed", time.perf_counter() - started)
        log.warning("planning failed (%s): %s", exc.error_class, redact(str(exc))[:500])
        move_job(job, JobStatus.FAILED, error=str(exc)[:4000], error_class=exc.error_class)
        return
    metrics.observe_planning("planned", time.perf_counter() - started)
    _run_plan(job, versions[-1], checked)
    settle(job.pk)
