"""Running one task: the plain function behind the ``run_task`` Celery task."""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from executor import report
from executor.bindings import bind
from executor.heartbeat import Heartbeat
from executor.lost import (
    close_lost_attempt,
    fail_for_good,
    fail_lost,
    is_silent,
    lock_if_still_lost,
    may_run_again,
)
from executor.retry import backoff_s, should_retry
from executor.scheduling import advance, max_parallel, send_promoted, settle, settle_if_done
from jobs import actions, events, sql
from jobs import usage as usage_of_jobs
from jobs.hotpath import CLAIMABLE, claim_runnable, succeed_running
from jobs.models import Job, JobStatus, Task, TaskAttempt, TaskStatus
from jobs.transitions import IllegalTransition, lock_for_claim, lock_task, move_task
from observability import logs, tracing
from tools import registry
from tools.errors import BudgetError, ErrorClass, PermanentToolError, ToolError, TransientToolError
from tools.redact import redact
from tools.runtime import invoke
from tools.spec import ToolContext, ToolSpec

log = logging.getLogger(__name__)
S = TaskStatus
_BLOCKING = {S.FAILED, S.BLOCKED, S.CANCELLED}


@dataclass(frozen=True)
class Outcome:
    status: str  # ran, skipped, blocked, retry, failed, cancelled
    retry_in_s: float | None = None


def _take_over(task: Task, worker: str) -> Task:
    """A running task's message came back (its worker died: acks_late + reject_on_worker_lost)
    and an attempt is left. Close the lost attempt and hand the task back so this delivery runs it."""
    close_lost_attempt(task, f"worker {task.worker} lost")
    return move_task(task, S.READY, held=True, event={"lost_worker": task.worker, "taken_over_by": worker})


def _lost_for_good(task: Task) -> Outcome:
    """A running task's message came back, its worker is gone and no attempt is left: fail it, in
    a transaction of its own (it takes the job's row for update, which the claim held for share)."""
    with transaction.atomic():
        locked = lock_if_still_lost(task)
        if locked is None or may_run_again(locked):
            return Outcome("skipped")  # handled meanwhile (the reconciler, another delivery)
        fail_lost(locked)
    settle(task.job_id)
    return Outcome("failed")


@dataclass(frozen=True)
class _Lost:
    task: Task  # running, its worker gone, no attempt left: failed after the claim's transaction


@dataclass(frozen=True)
class Claim:
    task: Task
    attempt: TaskAttempt
    outputs: dict[str, object]  # the parents', read with their statuses


def _parents(task: Task) -> list[list[Any]]:
    """Key, status and output of each parent of ``task``."""
    if not task.depends_on:
        return []
    marks = ", ".join(["%s"] * len(task.depends_on))
    return sql.select(Task, ("key", "status", "output"), f"job_id = %s AND key IN ({marks})",
                      [sql.prep(Task, "job", task.job_id), *task.depends_on])  # fmt: skip


def _claim(task_pk: int, worker: str, celery_id: str) -> Claim | Outcome | _Lost:
    """Decide whether this delivery runs the task (exactly-once effect): the common case in one
    statement (``jobs.hotpath``), any other under the task's locks."""
    if (claimed := claim_runnable(task_pk, worker, celery_id)) is not None:
        return Claim(claimed.task, claimed.attempt, {key: output for key, _, output in claimed.parents})
    with transaction.atomic(), events.gathered():
        locks = lock_for_claim(task_pk)
        task = locks.task
        if task.job.status != JobStatus.RUNNING:
            return Outcome("skipped")
        if task.status == S.RUNNING and is_silent(task):  # its message came back
            if not may_run_again(task):
                return _Lost(task)
            task = _take_over(task, worker)
        if task.status not in CLAIMABLE:
            return Outcome("skipped")
        rows = locks.parents  # read again unless all succeeded: see ClaimLocks
        if len(rows) < len(task.depends_on) or any(status != S.SUCCEEDED for _, status, _ in rows):
            rows = _parents(task)
        parents = {key: status for key, status, _ in rows}
        if any(status in _BLOCKING for status in parents.values()):
            move_task(
                task, S.BLOCKED, held=True, event={"because": sorted(k for k, s in parents.items() if s in _BLOCKING)}
            )
            return Outcome("blocked")
        if len(parents) < len(task.depends_on) or any(s != S.SUCCEEDED for s in parents.values()):
            return Outcome("skipped")  # a stale message: the task will be sent again when ready
        job = task.job
        if task.status == S.PENDING:
            task = move_task(task, S.READY, held=True)
        task = move_task(
            task,
            S.RUNNING,
            held=True,
            defer=True,  # nothing below reads the row: written with the claim's events
            worker=worker,
            celery_id=celery_id,
            attempts=task.attempts + 1,
            event={"worker": worker},
        )
        task.job = job  # read under the lock above: the budget check needs no second read
        attempt = actions.start_attempt(task, worker, pk=locks.attempt_id)
        return Claim(task, attempt, {key: output for key, _, output in rows})


def _cancel_probe(job_id: uuid.UUID | str, every_s: float = 0.5):  # type: ignore[no-untyped-def]
    last = [time.monotonic(), False]  # the claim has just seen the job running

    def cancelled() -> bool:
        now = time.monotonic()
        if now - last[0] >= every_s:
            last[0] = now
            last[1] = Job.objects.filter(pk=job_id, status=JobStatus.CANCELLED).exists()
        return bool(last[1])

    return cancelled


def _charge(task: Task, usage: object) -> None:
    """Charge an LLM call made inside a tool (in the tool's thread: ``tools.runtime``)."""
    usage_of_jobs.charge(task.job, usage, task=task)  # type: ignore[arg-type]


def execute(task_pk: int, *, worker: str, celery_id: str = "") -> Outcome:
    started = time.perf_counter()
    claimed = _claim(task_pk, worker, celery_id)
    if isinstance(claimed, _Lost):
        return _lost_for_good(claimed.task)
    if isinstance(claimed, Outcome):
        return claimed
    task, attempt = claimed.task, claimed.attempt
    # Every log line of the attempt names it; its span (Celery's run_task) carries the job and task.
    with logs.for_task(job_id=task.job_id, task_key=task.key, attempt=task.attempts):
        tracing.annotate(job_id=str(task.job_id), task_key=task.key, tool=task.tool, attempt=task.attempts)
        outcome = _run_claimed(task, attempt, claimed.outputs, worker)
        report.attempt_ended(task, outcome.status, time.perf_counter() - started)
    return outcome


def _run_claimed(task: Task, attempt: TaskAttempt, outputs: dict[str, object], worker: str) -> Outcome:
    spec = registry.get(task.tool)
    ctx = ToolContext(
        job_id=str(task.job_id),
        task_key=task.key,
        workspace=actions.workspace_dir(task.job_id),
        save_artifact=lambda name, data, ctype: actions.save_artifact(task, name, data, ctype).path,
        is_cancelled=_cancel_probe(task.job_id),
        report_usage=lambda usage: _charge(task, usage),
    )
    try:
        if spec is None:
            raise PermanentToolError(f"tool {task.tool!r} is not registered in this worker")
        if (reason := usage_of_jobs.over_budget(task.job)) is not None:
            raise BudgetError(reason)
        inputs = bind(task.inputs, outputs)
        with Heartbeat(attempt.pk), tracing.span(f"tool {task.tool}", tool=task.tool, job_id=str(task.job_id),
                                                 task_key=task.key):  # fmt: skip
            output = _invoke_within_budget(spec, inputs, ctx, task)
    except ToolError as exc:
        try:
            return _failed(task, attempt, exc)
        except IllegalTransition:
            return _superseded(attempt)
    if (succeeded := succeed_running(task, attempt.pk, output)) is not None:
        send_promoted(task.job_id, succeeded.job_priority, succeeded.promoted)
        if not succeeded.promoted:
            settle_if_done(task.job_id)
        return Outcome("ran")
    try:
        with transaction.atomic(), events.gathered():
            locked = lock_task(task.pk)
            # Nothing below reads this row, so its move goes with the events; but a cap on tasks
            # in flight counts the running ones, and this one must no longer be among them.
            uncapped = max_parallel(locked.job) is None
            done = move_task(locked, S.SUCCEEDED, held=True, defer=uncapped, output=output, error="", error_class="")
            actions.finish_attempt(attempt, "succeeded", defer=True)  # written last: the one lock order
            maybe_done = advance(done)  # same transaction: no child is forgotten
    except IllegalTransition:
        return _superseded(attempt)
    if maybe_done:
        settle_if_done(task.job_id)
    return Outcome("ran")


def _invoke_within_budget(spec: ToolSpec, inputs: dict[str, object], ctx: ToolContext, task: Task) -> dict[str, object]:
    """Run the tool with its own timeout, cut short by what is left of the job's ``max_runtime_s``;
    running out of the job's time is a budget error (not retried), not a tool timeout."""
    own = task.timeout_s or spec.timeout_s
    left = usage_of_jobs.time_left_s(task.job)
    if left is None or left >= own:
        return invoke(spec, inputs, ctx, timeout_s=own)
    limit = task.job.budget["max_runtime_s"]
    if left <= 0:
        raise BudgetError(f"budget: the job has used its max_runtime_s of {limit:g} s")
    try:
        return invoke(spec, inputs, ctx, timeout_s=left)
    except TransientToolError as exc:
        if (usage_of_jobs.time_left_s(task.job) or 0.0) > 0:  # a failure of its own, in time
            raise
        raise BudgetError(f"budget: the job's max_runtime_s of {limit:g} s ran out during {task.key!r}") from exc


def _superseded(attempt: TaskAttempt) -> Outcome:
    """The task changed under us (cancelled, or failed over by the reconciler): keep its new
    status and close this attempt."""
    actions.finish_attempt(attempt, "superseded")
    return Outcome("skipped")


def _failed(task: Task, attempt: TaskAttempt, exc: ToolError) -> Outcome:
    error_class = exc.error_class
    message = redact(exc.message)[:4000]  # errors raised outside invoke (binding, budget) too
    retry = error_class != ErrorClass.CANCELLED and should_retry(
        error_class, policy=settings.AWE_RETRY_POLICY, attempts=task.attempts, max_attempts=task.max_attempts
    )

    def close_attempt() -> None:  # after the task's lock (taken by move_task): the one lock order
        actions.finish_attempt(attempt, "retrying" if retry else "failed", error_class=error_class, message=message)

    with transaction.atomic():
        if retry:
            delay = backoff_s(
                task.attempts, base_s=settings.AWE_RETRY_BACKOFF_S, cap_s=settings.AWE_RETRY_BACKOFF_MAX_S
            )
            move_task(
                task,
                S.RETRYING,
                error=message,
                error_class=error_class,
                event={"error": message, "error_class": error_class, "retry_in_s": round(delay, 3)},
            )
            close_attempt()
            report.on_commit(report.retrying, task, error_class, message, delay)
            return Outcome("retry", retry_in_s=delay)
        if error_class == ErrorClass.CANCELLED:
            move_task(task, S.CANCELLED, error=message, error_class=error_class)
            close_attempt()
            report.on_commit(report.cancelled, task, message)
            return Outcome("cancelled")
        fail_for_good(task, message, error_class, close_attempt=close_attempt)
    settle(task.job_id)
    return Outcome("failed")
