"""The one place where job and task statuses change.

Each move is checked against the state machine (docs/state-machines.md), saved, and recorded
as an event in the same transaction. The executor's two most frequent moves, a claim and a
success, also have a one-statement form on PostgreSQL for their common case (``jobs.hotpath``),
whose moves are checked against the same state machine.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from jobs import sql
from jobs.events import record, record_many
from jobs.models import JOB_TERMINAL, TASK_TERMINAL, Job, JobStatus, Task, TaskAttempt, TaskStatus
from observability import metrics

J, T = JobStatus, TaskStatus

JOB_MOVES: dict[str, set[str]] = {
    J.QUEUED: {J.PLANNING, J.RUNNING, J.FAILED, J.CANCELLED},
    J.PLANNING: {J.RUNNING, J.FAILED, J.CANCELLED},
    J.RUNNING: {J.SUCCEEDED, J.FAILED, J.CANCELLED},
    J.FAILED: {J.RUNNING},  # a retry of failed tasks resumes the job
    J.SUCCEEDED: set(),
    J.CANCELLED: set(),
}

TASK_MOVES: dict[str, set[str]] = {
    T.PENDING: {T.READY, T.BLOCKED, T.CANCELLED},
    T.READY: {T.RUNNING, T.PENDING, T.BLOCKED, T.CANCELLED},
    T.RUNNING: {T.SUCCEEDED, T.FAILED, T.RETRYING, T.READY, T.CANCELLED},
    T.RETRYING: {T.RUNNING, T.READY, T.FAILED, T.CANCELLED},
    T.FAILED: {T.READY, T.PENDING, T.CANCELLED},
    T.BLOCKED: {T.PENDING, T.READY, T.CANCELLED},
    T.SUCCEEDED: set(),
    T.CANCELLED: set(),
}


class IllegalTransition(Exception):
    def __init__(self, what: str, current: str, target: str) -> None:
        super().__init__(f"{what} is {current}; it cannot become {target}")
        self.current = current
        self.target = target


def lock_job_of(task: Task) -> None:
    """Lock order is always job row, then task rows, then the job's event counter (written last).
    A move outside a claim or a completion takes the job's row for update: it waits for the
    claims and completions in flight, which share it (``lock_task``), and holds off new ones."""
    Job.objects.select_for_update().filter(pk=task.job_id).values_list("pk", flat=True).get()


def lock_task(task_pk: int) -> Task:
    """A claim's or a completion's locks: the task's job row for share, the task row for update;
    returns the task with its job read under them (for ``move_task(..., held=True)``).

    One statement, a join, in the one lock order (the job's first: it is first in the FROM
    list). Claims and completions of one job run side by side; a move that takes the job's row
    for update (cancel, retry, replan, dispatch, settle, a failure) waits for them, so under
    this lock the job's status cannot change. Their events must be ``gathered()``: the counter
    row is the one lock they share, taken by their last statement (docs/executor.md, Locks).
    Plain SQL (``jobs.sql``): every claim and completion starts here."""
    return _lock(task_pk, ())[0]


@dataclass(frozen=True)
class ClaimLocks:
    task: Task  # with its job, as from ``lock_task``
    # Key, status and output of each parent, read by the same statement. Its snapshot may be
    # older than the locks (taken before it waited for them): a parent seen succeeded has
    # succeeded for good, but any other status must be read again.
    parents: list[list[Any]]
    attempt_id: int | None  # reserved for the claim's attempt (PostgreSQL; None on SQLite)


def lock_for_claim(task_pk: int) -> ClaimLocks:
    """``lock_task`` for a claim, whose statement also reads the parents and, on PostgreSQL,
    reserves the id of the attempt row, so that the insert can go with the claim's events.
    The parents are looked up by key (``= ANY(ARRAY(...))`` lets PostgreSQL use the job's unique
    index on keys; ``IN (SELECT ...)`` had it read every task of the job for each claim)."""
    postgres = connection.vendor == "postgresql"
    tasks, attempts = Task._meta.db_table, TaskAttempt._meta.db_table
    if postgres:
        parents = (f"(SELECT coalesce(json_agg(json_build_array(p.key, p.status, p.output)), '[]'::json) "
                   f"FROM {tasks} p WHERE p.job_id = t.job_id "
                   f"AND p.key = ANY(ARRAY(SELECT jsonb_array_elements_text(t.depends_on))))")  # fmt: skip
        extras: tuple[str, ...] = (parents, f"nextval(pg_get_serial_sequence('{attempts}', 'id'))")
    else:
        extras = (f"(SELECT json_group_array(json_array(p.key, p.status, json(p.output))) FROM {tasks} p "
                  f"WHERE p.job_id = t.job_id AND p.key IN (SELECT value FROM json_each(t.depends_on)))",)  # fmt: skip
    task, more = _lock(task_pk, extras)
    rows = more[0] if isinstance(more[0], list) else json.loads(more[0])
    return ClaimLocks(task, rows, int(more[1]) if postgres else None)


def _lock(task_pk: int, extras: tuple[str, ...]) -> tuple[Task, tuple[Any, ...]]:
    jobs, tasks = Job._meta.db_table, Task._meta.db_table
    columns = ", ".join([*(f"j.{c}" for c in sql.columns(Job)), *(f"t.{c}" for c in sql.columns(Task)), *extras])
    locks = sql.for_update(of="t", share="j")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {jobs} j JOIN {tasks} t ON t.job_id = j.id WHERE t.id = %s{locks}",
                       [task_pk])  # fmt: skip
        row = cursor.fetchone()
    if row is None:
        raise Task.DoesNotExist(f"no task {task_pk}")
    split, end = len(sql.columns(Job)), len(sql.columns(Job)) + len(sql.columns(Task))
    task = sql.from_row(Task, row[split:end])
    task.job = sql.from_row(Job, row[:split])
    return task, tuple(row[end:])


def move_job(job: Job, to: JobStatus, *, error: str | None = None, **payload: Any) -> Job:
    """Move a job to ``to``; returns the fresh, locked-and-saved row."""
    # savepoint=False: no SAVEPOINT round trips; an illegal move is raised after the block so
    # the caller's transaction stays usable.
    with transaction.atomic(savepoint=False):
        locked = Job.objects.select_for_update().get(pk=job.pk)
        previous = locked.status
        allowed = to in JOB_MOVES[previous]
        if allowed:
            now = timezone.now()
            locked.status = to
            if to == J.RUNNING and locked.started_at is None:
                locked.started_at = now
            if to in JOB_TERMINAL:
                locked.finished_at = now
            elif to == J.RUNNING:
                locked.finished_at = None
            if error is not None:
                locked.error = error
            elif to == J.RUNNING:
                locked.error = ""
            locked.save(update_fields=["status", "started_at", "finished_at", "error", "updated_at"])
            data = {"from": previous, **payload}
            if locked.error:
                data["error"] = locked.error
            record(locked, f"job.{to}", data)
            if to in JOB_TERMINAL:
                transaction.on_commit(lambda: metrics.count_job_finished(to))
    if not allowed:
        raise IllegalTransition(f"job {locked.pk}", previous, to)
    return locked


def _times(to: TaskStatus) -> dict[str, Any]:
    """The time stamps a move to ``to`` sets."""
    now = timezone.now()
    if to == T.RUNNING:
        return {"started_at": now, "finished_at": None}
    if to in TASK_TERMINAL or to == T.BLOCKED:
        return {"finished_at": now}
    if to in (T.PENDING, T.READY):
        return {"finished_at": None}
    return {}


def move_task(
    task: Task,
    to: TaskStatus,
    *,
    event: dict[str, Any] | None = None,
    held: bool = False,
    defer: bool = False,
    **fields: Any,
) -> Task:
    """Move a task to ``to`` and set ``fields`` on it; returns the fresh, saved row.

    ``held=True`` says the caller already holds the job's (for share or update) and the task's row
    locks in this transaction and ``task`` is that row as read under them (saves two round
    trips). ``defer=True`` (with ``held``, in a ``gathered()`` block whose later statements do not
    read the row) writes the row with the block's events (``jobs.sql.update``)."""
    with transaction.atomic(savepoint=False):
        if held:
            locked = task
        else:
            lock_job_of(task)
            locked = Task.objects.select_for_update().get(pk=task.pk)
        previous = locked.status
        allowed = to in TASK_MOVES[previous]
        if allowed:
            _apply([locked], to, event, fields, defer=defer and held)
    if not allowed:
        raise IllegalTransition(f"task {locked.key!r}", previous, to)
    return locked


def move_tasks(
    tasks: list[Task], to: TaskStatus, *, event: dict[str, Any] | None = None, defer: bool = False
) -> list[Task]:
    """``move_task(..., held=True)`` for many tasks of one job at once (one UPDATE, one batch of
    events): the caller holds the job's row lock and read ``tasks`` under row locks. Checks every
    move before writing any. ``defer`` as ``move_task``'s."""
    for task in tasks:
        if to not in TASK_MOVES[task.status]:
            raise IllegalTransition(f"task {task.key!r}", task.status, to)
    _apply(tasks, to, event, {}, defer=defer)
    return tasks


def _apply(
    tasks: list[Task], to: TaskStatus, event: dict[str, Any] | None, fields: dict[str, Any], *, defer: bool
) -> None:
    """Write checked moves of tasks of one job: the row changes, then one event per task."""
    if not tasks:
        return
    changes = {"status": to, **_times(to), **fields}
    sql.update(Task, [task.pk for task in tasks], changes, defer=defer)
    record_many(tasks[0].job_id, [(f"task.{to}", {"from": task.status, **(event or {})}, task.key) for task in tasks])
    for task in tasks:
        for name, value in changes.items():
            setattr(task, name, value)
