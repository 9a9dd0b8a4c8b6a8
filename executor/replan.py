"""Replan: a new plan version for the unfinished part of a job; finished tasks are kept and never
run again."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from executor.scheduling import dispatch
from jobs import actions
from jobs.events import record
from jobs.models import TASK_ACTIVE, Job, JobStatus, Task, TaskStatus
from jobs.transitions import IllegalTransition, move_job, move_task
from planner import service
from planner.llm import PlanningFailed
from planner.schema import Plan, dependencies
from planner.validate import PlanInvalid

S = TaskStatus
REPLANNABLE = {JobStatus.RUNNING, JobStatus.FAILED}


def _finished(tasks: list[Task]) -> list[dict[str, Any]]:
    return [
        {"id": t.key, "tool": t.tool, "title": t.title, "inputs": t.inputs, "depends_on": t.depends_on}
        for t in tasks
        if t.status == S.SUCCEEDED
    ]


def _current_tasks(job: Job) -> list[dict[str, Any]]:
    plan = job.plans.filter(valid=True).order_by("-version").first()
    return list(plan.dag.get("tasks", [])) if plan else []


def replan(job: Job, instructions: str = "", *, auto: bool = False) -> Job:
    """Plan the unfinished part again and run it. Refused (409) for finished or cancelled jobs and
    while tasks are in flight; an invalid new plan is refused (400) and changes nothing."""
    job = Job.objects.get(pk=job.pk)
    if job.status not in REPLANNABLE:
        raise IllegalTransition(f"job {job.pk}", job.status, "replanned")
    tasks = list(Task.objects.filter(job=job))
    busy = sorted(t.key for t in tasks if t.status in TASK_ACTIVE - {S.READY})
    if busy:
        raise IllegalTransition(f"job {job.pk} (tasks {', '.join(busy)} in flight)", job.status, "replanned")
    finished = _finished(tasks)
    failures = [{"id": t.key, "tool": t.tool, "error": t.error} for t in tasks if t.status == S.FAILED]
    new_tasks, source = service.replan_tasks(
        job.goal, job.context_json, finished=finished, outputs={t.key: t.output for t in tasks if t.status == S.SUCCEEDED},
        failures=failures, instructions=instructions, current=_current_tasks(job),
    )  # fmt: skip
    done_ids = {t["id"] for t in finished}
    combined = {"tasks": finished + [t for t in new_tasks if t.get("id") not in done_ids]}
    checked = service.check(combined)  # PlanInvalid → 400, nothing changed
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.status not in REPLANNABLE:
            raise IllegalTransition(f"job {job.pk}", job.status, "replanned")
        saved = actions.save_plan(job, combined, source=f"replan:{source}")
        _apply(job, saved, checked, done_ids)
        record(job, "job.replanned", {"version": saved.version, "instructions": instructions[:500], "auto": auto})
        if job.status == JobStatus.FAILED:
            job = move_job(job, JobStatus.RUNNING, replanned=saved.version)
        dispatch(job.pk)
    return job


def auto_replan(job_id: Any) -> None:
    """``AWE_AUTO_REPLAN_ON_FAILURE``: replan a job once when a task failed for good."""
    job = Job.objects.get(pk=job_id)
    if job.status != JobStatus.FAILED or job.events.filter(type="job.replanned", payload__auto=True).exists():
        return
    try:
        replan(job, "automatic replan after a failure", auto=True)
    except (IllegalTransition, PlanInvalid, PlanningFailed) as exc:
        record(job, "job.replan_failed", {"auto": True, "error": str(exc)[:1000]})


def _apply(job: Job, saved: Any, checked: Plan, done_ids: set[str]) -> None:
    existing = {t.key: t for t in Task.objects.filter(job=job)}
    wanted = {t.id: t for t in checked.tasks if t.id not in done_ids}
    for key, task in existing.items():
        if task.status == S.SUCCEEDED:
            continue
        if key not in wanted and task.status != S.CANCELLED:
            move_task(task, S.CANCELLED, event={"because": f"replaced by plan v{saved.version}"})
    for key, spec in wanted.items():
        fields = {
            "plan": saved, "tool": spec.tool, "title": spec.title, "inputs": spec.inputs, "depends_on": dependencies(spec),
            "timeout_s": spec.timeout_s, "error": "", "error_class": "",
        }  # fmt: skip
        old = existing.get(key)
        if old is None:
            Task.objects.create(job=job, key=key, max_attempts=spec.max_attempts or settings.AWE_MAX_ATTEMPTS, **fields)
        elif old.status == S.CANCELLED:
            raise IllegalTransition(f"task {key!r}", old.status, "replanned")
        elif old.status == S.PENDING:
            Task.objects.filter(pk=old.pk).update(**fields)
        else:
            budget = spec.max_attempts or settings.AWE_MAX_ATTEMPTS
            move_task(old, S.PENDING, event={"replanned": saved.version}, max_attempts=old.attempts + budget, **fields)
    # The new plan's dependencies replace the old ones (a completion trusts the flag of its locked
    # row); tasks left out of it are cancelled and depend on nothing that runs.
    parents = actions.depended_on(checked)
    tasks = Task.objects.filter(job=job)
    tasks.filter(key__in=parents, has_dependants=False).update(has_dependants=True)
    tasks.exclude(key__in=parents).filter(has_dependants=True).update(has_dependants=False)
