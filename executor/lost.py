"""A task whose worker was lost: its open attempt stopped beating (the process was killed, the
host is gone). A redelivered message's claim and the reconciler both end that attempt as
``lost``, a transient failure: the task runs again while its retry policy and attempts allow
(``AWE_RETRY_POLICY``, ``max_attempts``), and otherwise fails for good and is dead-lettered,
like a tool's own failure. A task that kills its worker every time cannot be run for ever."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from executor import dlq, report
from executor.heartbeat import is_stale
from executor.retry import should_retry
from executor.scheduling import block_descendants
from jobs import actions
from jobs.models import Task, TaskAttempt, TaskStatus
from jobs.transitions import lock_job_of, move_task
from tools.errors import ErrorClass


def may_run_again(task: Task) -> bool:
    """Whether a task whose worker was lost has an attempt left under its retry policy."""
    return should_retry(
        ErrorClass.TRANSIENT, policy=settings.AWE_RETRY_POLICY, attempts=task.attempts, max_attempts=task.max_attempts
    )


def close_lost_attempt(task: Task, message: str, *, runs_again: bool = True) -> None:
    """End the task's open attempt as lost (after the task's lock: the one lock order)."""
    TaskAttempt.objects.filter(task=task, finished_at__isnull=True).update(
        finished_at=timezone.now(), outcome="lost", error_class=ErrorClass.TRANSIENT, message=message
    )
    report.on_commit(report.lost, task, message, runs_again)


def fail_for_good(
    task: Task, message: str, error_class: str, *, close_attempt: Callable[[], None] | None = None
) -> Task:
    """Move a task to failed, dead-letter it and block what depends on it (in the caller's
    transaction; the dead letter's message leaves after commit)."""
    failed = move_task(task, TaskStatus.FAILED, error=message, error_class=error_class,
                       event={"error": message, "error_class": error_class})  # fmt: skip
    if close_attempt is not None:
        close_attempt()
    letter = actions.dead_letter(failed, message, error_class)
    block_descendants(failed)
    transaction.on_commit(lambda: dlq.publish(letter))
    report.on_commit(report.failed_for_good, failed, error_class, message)
    return failed


def fail_lost(task: Task) -> Task:
    """The task's worker was lost and no attempt is left: it fails for good."""
    if task.attempts >= task.max_attempts:
        why = f"attempt {task.attempts} of {task.max_attempts} was the last"
    else:
        why = f"AWE_RETRY_POLICY={settings.AWE_RETRY_POLICY} does not retry it"
    message = f"worker {task.worker} was lost; {why}"
    return fail_for_good(
        task, message, ErrorClass.TRANSIENT, close_attempt=lambda: close_lost_attempt(task, message, runs_again=False)
    )


def is_silent(task: Task) -> bool:
    """Whether a running task's execution is gone: its open attempt missed three beats (a live
    one keeps beating, so a duplicated message never runs a task twice)."""
    return is_stale(TaskAttempt.objects.filter(task=task, finished_at__isnull=True).order_by("-number").first())


def lock_if_still_lost(task: Task) -> Task | None:
    """Lock a task seen running with a silent attempt (the job's row for update, then the task's)
    and read it again: None if meanwhile it moved on, or a redelivered message took it over."""
    lock_job_of(task)
    locked = Task.objects.select_for_update().get(pk=task.pk)
    return locked if locked.status == TaskStatus.RUNNING and is_silent(locked) else None
