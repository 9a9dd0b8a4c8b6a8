"""The one place where job and task statuses change.

Each move is checked against the state machine (docs/state-machines.md), saved, and recorded
as an event in the same transaction.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from jobs import sql
from jobs.events import publish, record, record_many
from jobs.models import (
    JOB_TERMINAL,
    TASK_TERMINAL,
    Event,
    EventCounter,
    Job,
    JobStatus,
    Task,
    TaskAttempt,
    TaskStatus,
)
from tools.redact import redact

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


# --- the claim of a runnable task, in one statement (PostgreSQL) ---------------------------------

CLAIMABLE = (T.PENDING, T.READY, T.RETRYING)  # what a delivered run_task message may start


def _claim_moves(was: TaskStatus) -> list[tuple[TaskStatus, TaskStatus]]:
    """The moves a claim makes from ``was``: a pending task becomes ready first."""
    return [(T.PENDING, T.READY), (T.READY, T.RUNNING)] if was == T.PENDING else [(was, T.RUNNING)]


assert all(to in TASK_MOVES[before] for was in CLAIMABLE for before, to in _claim_moves(was))


@dataclass(frozen=True)
class Claimed:
    task: Task  # running, with its job
    attempt: TaskAttempt
    parents: list[list[Any]]  # key, status (succeeded) and output of each parent


def claim_runnable(task_pk: int, worker: str, celery_id: str) -> Claimed | None:
    """The claim of a task in the common case, in one statement and its own transaction: its job
    is running, it is claimable and every parent has succeeded. It moves to running (through ready
    if pending) with one more attempt, opens the attempt and records the moves' events, as
    ``move_task`` and ``actions.start_attempt`` would under ``lock_for_claim``'s locks, taken in
    the same order. None when the case is not that one, or on SQLite: the caller then takes the
    general path (``lock_for_claim``), which decides every case. Four round trips become one
    (BEGIN, the locks, the writes, COMMIT)."""
    if connection.vendor != "postgresql":
        return None
    now = timezone.now()
    at = Task._meta.get_field("started_at").get_db_prep_save(now, connection)
    moves: list[Any] = []  # (from, i, type, payload) of each event of each case
    for was in CLAIMABLE:
        for i, (before, to) in enumerate(_claim_moves(was)):
            payload = {"from": before.value, **({"worker": worker} if to == T.RUNNING else {})}
            moves += [was.value, i, f"task.{to}", json.dumps(redact(payload))]
    with connection.cursor() as cursor:
        cursor.execute(_claim_sql(), [task_pk, task_pk, at, worker, celery_id, worker, at, at, *moves, at])
        row = cursor.fetchone()
    if row is None:
        return None
    nj, nt = len(sql.columns(Job)), len(sql.columns(Task))
    task = sql.from_row(Task, row[nj : nj + nt])
    task.job = sql.from_row(Job, row[:nj])
    parents, attempt_pk, written = row[nj + nt :]
    attempt = TaskAttempt(pk=attempt_pk, task=task, number=task.attempts, worker=worker, started_at=now,
                          heartbeat_at=now)  # fmt: skip
    attempt._state.adding = False
    published = [Event(pk=pk, job_id=task.job_id, seq=seq, type=type_, task_key=task.key, payload=payload,
                       created_at=now) for pk, seq, type_, payload in sorted(written, key=lambda e: e[1])]  # fmt: skip
    transaction.on_commit(lambda: publish(published))  # at once, unless the caller holds a transaction
    return Claimed(task, attempt, parents)


@functools.cache
def _claim_sql() -> str:
    """The claim's statement. Its data-modifying parts each read the one before, which orders
    them: the job's row for share, the task's for update, the attempt, the event counter last.
    A parent read as succeeded has succeeded for good; any other status leaves the claim to the
    general path, which reads it again under its locks."""
    jobs, tasks, attempts = Job._meta.db_table, Task._meta.db_table, TaskAttempt._meta.db_table
    events, counter = Event._meta.db_table, EventCounter._meta.db_table
    claimable = ", ".join(f"'{s.value}'" for s in CLAIMABLE)
    cases = ", ".join(["(%s, %s, %s, %s::jsonb)"] * sum(len(_claim_moves(was)) for was in CLAIMABLE))
    return f"""
        WITH j AS (SELECT {", ".join(sql.columns(Job))} FROM {jobs}
                   WHERE id = (SELECT job_id FROM {tasks} WHERE id = %s) AND status = '{J.RUNNING.value}' FOR SHARE),
        o AS (SELECT t.id, t.status, pa.rows, pa.ok FROM {tasks} t JOIN j ON t.job_id = j.id,
              LATERAL (SELECT coalesce(json_agg(json_build_array(p.key, p.status, p.output)), '[]'::json) AS rows,
                              count(*) FILTER (WHERE p.status = '{T.SUCCEEDED.value}')
                                = jsonb_array_length(t.depends_on) AS ok
                       FROM {tasks} p WHERE p.job_id = t.job_id
                       AND p.key = ANY(ARRAY(SELECT jsonb_array_elements_text(t.depends_on)))) pa
              WHERE t.id = %s AND t.status IN ({claimable}) FOR UPDATE OF t),
        u AS (UPDATE {tasks} t SET status = '{T.RUNNING.value}', started_at = %s, finished_at = NULL,
                     worker = %s, celery_id = %s, attempts = t.attempts + 1
              FROM o WHERE t.id = o.id AND o.ok
              RETURNING {", ".join(f"t.{c}" for c in sql.columns(Task))}, o.status AS was, o.rows),
        a AS (INSERT INTO {attempts} (task_id, number, worker, started_at, heartbeat_at, finished_at, outcome,
                                      error_class, message)
              SELECT u.id, u.attempts, %s, %s, %s, NULL, '', '', '' FROM u RETURNING id),
        e AS (SELECT v.i, v.type, v.payload FROM u JOIN (VALUES {cases}) v (was, i, type, payload) ON v.was = u.was),
        s AS (INSERT INTO {counter} (job_id, seq) SELECT u.job_id, (SELECT count(*) FROM e) FROM u, a
              ON CONFLICT (job_id) DO UPDATE SET seq = {counter}.seq + excluded.seq RETURNING seq),
        w AS (INSERT INTO {events} (job_id, seq, type, task_key, payload, created_at)
              SELECT u.job_id, s.seq - (SELECT count(*) FROM e) + 1 + e.i, e.type, u.key, e.payload, %s
              FROM u, s, e RETURNING id, seq, type, payload)
        SELECT j.*, {", ".join(f"u.{c}" for c in sql.columns(Task))}, u.rows, a.id,
               (SELECT json_agg(json_build_array(w.id, w.seq, w.type, w.payload)) FROM w)
        FROM j, u, a"""
