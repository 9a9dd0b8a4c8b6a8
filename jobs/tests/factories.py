"""Small builders for jobs, plans and tasks."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from jobs import actions
from jobs.models import Job, Task
from planner.service import check


def user(name: str = "alice", **extra: Any) -> User:
    return User.objects.create_user(username=name, password="pw-" + name, **extra)


def job_with_plan(owner: User, plan: dict[str, Any] | None = None, goal: str = "a goal") -> tuple[Job, list[Task]]:
    plan = plan or {"tasks": [{"id": "a", "tool": "core.wait", "inputs": {"seconds": 0}}]}
    job = actions.create_job(owner, goal)
    saved = actions.save_plan(job, plan, source="explicit")
    return job, actions.create_tasks(saved, check(plan))
