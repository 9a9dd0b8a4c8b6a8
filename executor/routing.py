"""Where and how urgently a task's message goes: queue by tool family, Celery priority by job
priority, time limits by tool timeout."""

from __future__ import annotations

from functools import cache
from typing import Any

from celery.backends.redis import RedisBackend
from django.conf import settings

from jobs.models import Task
from tools import registry

# Celery's hard time limit kills a worker child stuck past the tool's own (thread) timeout.
HARD_LIMIT_GRACE_S = 30.0


def celery_priority(job_priority: int) -> int:
    """Our 0-9 means higher = more urgent. Redis serves 0 first; AMQP serves the highest first."""
    if settings.CELERY_BROKER_URL.startswith(("redis", "rediss", "sentinel")):
        return 9 - job_priority
    return job_priority


def results_needed(backend: object) -> bool:
    """Whether ``run_task`` must store its Celery result on ``backend``. Nothing of AWE reads it
    (the task row holds the outcome), but a chord's join may: the Redis backend joins a chord
    from a list of the header's results it keeps itself, any other backend (the embedded
    ``django-db``) from the stored results. On Redis, not storing them saves two round trips and
    their CPU per task."""
    return not isinstance(backend, RedisBackend)


@cache
def _ignore_result() -> bool:
    from awe_project.celery import app

    return not results_needed(app.backend)


def message_options(task: Task, job_priority: int) -> dict[str, Any]:
    spec = registry.get(task.tool)
    timeout = task.timeout_s or (spec.timeout_s if spec else 60.0)
    return {
        "queue": spec.queue if spec else "tools",
        "priority": celery_priority(job_priority),
        "soft_time_limit": timeout + HARD_LIMIT_GRACE_S / 2,
        "time_limit": timeout + HARD_LIMIT_GRACE_S,
        "ignore_result": _ignore_result(),
    }
