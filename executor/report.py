"""What the executor tells operators about a task's attempt: a metric for every outcome, and one
log line at WARNING or ERROR for each retry, cancellation, lost worker and failure for good (with
the error class and the redacted message; docs/operations.md, "What to watch"). Called after the
move's transaction commits (``on_commit``): a rolled-back move reports nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction

from jobs.models import Task
from observability import metrics
from tools.redact import redact

log = logging.getLogger("executor")

# Outcome.status of executor.run → the attempt's outcome label
_OUTCOMES = {
    "ran": "succeeded",
    "retry": "retried",
    "failed": "failed",
    "cancelled": "cancelled",
    "skipped": "superseded",
}


def on_commit(report: Callable[..., None], *args: Any) -> None:
    transaction.on_commit(lambda: report(*args))


def attempt_ended(task: Task, status: str, seconds: float) -> None:
    """An attempt this worker claimed has ended (``status`` as in ``executor.run.Outcome``)."""
    metrics.count_task(task.tool, _OUTCOMES.get(status, status), seconds)


def _fields(task: Task, error_class: str, message: str) -> dict[str, Any]:
    """The line's fields: the task named even outside its own context (the reconciler's)."""
    return {"job_id": str(task.job_id), "task_key": task.key, "attempt": task.attempts, "tool": task.tool,
            "error_class": str(error_class), "error": redact(message)}  # fmt: skip


def retrying(task: Task, error_class: str, message: str, delay_s: float) -> None:
    metrics.count_retry(error_class)
    log.warning(
        "task %s failed (%s: %s); attempt %s of %s, retrying in %.1f s",
        task.key, error_class, redact(message), task.attempts, task.max_attempts, delay_s,
        extra=_fields(task, error_class, message),
    )  # fmt: skip


def cancelled(task: Task, message: str) -> None:
    log.warning("task %s cancelled (cancelled: %s)", task.key, redact(message),
                extra=_fields(task, "cancelled", message))  # fmt: skip


def failed_for_good(task: Task, error_class: str, message: str) -> None:
    metrics.count_dead_letter(error_class)
    where = "dead-lettered (queue dlq)" if settings.AWE_DLQ_ENABLED else "dead-lettered"
    log.error(
        "task %s failed for good (%s: %s) after %s attempt(s); %s, dependants blocked",
        task.key, error_class, redact(message), task.attempts, where, extra=_fields(task, error_class, message),
    )  # fmt: skip


def lost(task: Task, message: str, runs_again: bool) -> None:
    """A running attempt's worker was lost. Said when the task runs again; when it was the last
    attempt, ``failed_for_good`` says it (one line per event)."""
    metrics.count_task(task.tool, "lost")
    if runs_again:
        log.warning("task %s lost its worker (transient: %s); it runs again", task.key, redact(message),
                    extra=_fields(task, "transient", message))  # fmt: skip


def job_cancelled(tasks: list[Task]) -> None:
    """A job was cancelled: each of its unfinished tasks was cancelled with it (a running
    attempt is counted by its worker, as superseded, if its tool stops before it is revoked)."""
    for task in tasks:
        cancelled(task, f"job cancelled while the task was {task.status}")
