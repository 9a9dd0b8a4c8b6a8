"""Writes that are not status moves: creating jobs, saving plans and tasks, artifacts, attempts."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from jobs import sql
from jobs.events import record
from jobs.models import Artifact, DeadLetter, Job, Plan, Task, TaskAttempt
from planner.schema import Plan as PlanSchema
from planner.schema import dependencies
from tools.storable import storable


def create_job(
    owner: User,
    goal: str,
    *,
    context_json: dict[str, Any] | None = None,
    priority: int = 1,
    budget: dict[str, Any] | None = None,
) -> Job:
    with transaction.atomic():
        job = Job.objects.create(
            owner=owner, goal=goal, context_json=context_json or {}, priority=priority, budget=budget or {}
        )
        record(job, "job.created", {"goal": goal[:200], "priority": priority})
    return job


def save_plan(
    job: Job,
    dag: dict[str, Any],
    *,
    source: str,
    problems: list[dict[str, Any]] | None = None,
    usage: dict[str, Any] | None = None,
) -> Plan:
    """Keep a plan version; an invalid one is kept with its problems for the user to read."""
    with transaction.atomic():
        Job.objects.select_for_update().get(pk=job.pk)
        version = (job.plans.aggregate(v=Max("version"))["v"] or 0) + 1
        plan = Plan.objects.create(  # an LLM's refused plan may hold what no row can (tools.storable)
            job=job, version=version, source=source, dag=storable(dag), valid=not problems, problems=problems or []
        )
        extra = {"usage": usage} if usage else {}
        if problems:
            record(job, "plan.rejected", {"version": version, "source": source, "problems": problems, **extra})
        else:
            record(
                job, "plan.created", {"version": version, "source": source, "tasks": len(dag.get("tasks", [])), **extra}
            )
    return plan


def depended_on(schema: PlanSchema) -> set[str]:
    """The ids of the plan's tasks that another of its tasks depends on (``Task.has_dependants``)."""
    return {parent for t in schema.tasks for parent in dependencies(t)}


def create_tasks(plan: Plan, schema: PlanSchema) -> list[Task]:
    """Materialise a validated plan's tasks."""
    parents = depended_on(schema)
    tasks = [
        Task(
            job_id=plan.job_id,
            plan=plan,
            key=t.id,
            tool=t.tool,
            title=t.title,
            inputs=t.inputs,
            depends_on=dependencies(t),
            has_dependants=t.id in parents,
            max_attempts=t.max_attempts or settings.AWE_MAX_ATTEMPTS,
            timeout_s=t.timeout_s,
        )
        for t in schema.tasks
    ]
    with transaction.atomic():
        Task.objects.bulk_create(tasks)
    return list(plan.tasks.order_by("id"))


def artifact_root_path(job_id: object, name: str) -> str:
    return f"{job_id}/{name}"


def save_artifact(task: Task, name: str, data: bytes, content_type: str) -> Artifact:
    """Store bytes in the artifact storage (filesystem or S3) and record them."""
    path = artifact_root_path(task.job_id, name)
    storage = storages["artifacts"]
    if storage.exists(path):
        storage.delete(path)
    stored = storage.save(path, ContentFile(data))
    with transaction.atomic():
        artifact, _ = Artifact.objects.update_or_create(
            path=stored,
            defaults={
                "job_id": task.job_id,
                "task": task,
                "name": name,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "content_type": content_type,
            },
        )
        record(
            task.job_id,
            "artifact.created",
            {"path": artifact.path, "size": artifact.size, "content_type": content_type},
            task_key=task.key,
        )
    return artifact


def workspace_dir(job_id: object) -> Path:
    path = Path(settings.AWE_WORKSPACES_DIR) / str(job_id)
    if not path.is_dir():  # every task asks: a look is cheaper than a mkdir that fails
        path.mkdir(parents=True, exist_ok=True)
    return path


def start_attempt(task: Task, worker: str, *, pk: int | None = None) -> TaskAttempt:
    """Open the task's attempt; with an id reserved for it (``lock_for_claim``) the insert goes with
    the events of the ``gathered()`` block."""
    now = timezone.now()
    attempt = TaskAttempt(pk=pk, task=task, number=task.attempts, worker=worker, started_at=now, heartbeat_at=now)
    return sql.create(attempt, defer=pk is not None)


def finish_attempt(
    attempt: TaskAttempt, outcome: str, *, error_class: str = "", message: str = "", defer: bool = False
) -> None:
    """Close an attempt (``defer``: with the events of the ``gathered()`` block, ``jobs.sql.update``)."""
    changes = {"finished_at": timezone.now(), "outcome": outcome, "error_class": error_class, "message": message[:4000]}
    sql.update(TaskAttempt, [attempt.pk], changes, defer=defer)
    for name, value in changes.items():
        setattr(attempt, name, value)


def dead_letter(task: Task, reason: str, error_class: str) -> DeadLetter:
    """Record a task that failed for good, with what is needed to replay it."""
    letter = DeadLetter.objects.create(
        task=task,
        reason=reason,
        error_class=error_class,
        payload={"job": str(task.job_id), "task": task.key, "tool": task.tool, "attempts": task.attempts},
    )
    record(task.job_id, "task.dead_lettered", {"reason": reason[:500], "error_class": error_class}, task_key=task.key)
    return letter
