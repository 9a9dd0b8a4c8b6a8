"""The executor's two most frequent moves in their common case, each in one statement on
PostgreSQL: a claim (``claim_runnable``) and a success (``succeed_running``).

Every task of a job runs both. Written with ``jobs.transitions`` under its locks they are a
transaction of three or four round trips each (BEGIN, the locks, the reads, the writes, COMMIT);
here each is one statement in its own transaction. A statement takes its row locks in the order
the general path takes them (the job's row for share, the task's for update, a success's
waiting children for update; docs/executor.md, Locks): each locking read reads the one before
it, which orders them, and all of them come before the writes, which read them. (The writes'
own order does not matter: the attempt row is the task's own, and the event counter is shared
only by moves that hold the job's row too.) The moves are the state machine's
(``jobs.transitions.TASK_MOVES``, checked at import), their events the ones ``move_task`` records.

Each returns None when its case is not the common one — or on SQLite, which has no
data-modifying WITH — having written nothing; the caller then takes the general path, which
decides every case under its locks.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from jobs import sql
from jobs.events import publish
from jobs.models import Event, EventCounter, Job, JobStatus, Task, TaskAttempt, TaskStatus
from jobs.transitions import TASK_MOVES
from tools.redact import redact

J, T = JobStatus, TaskStatus

CLAIMABLE = (T.PENDING, T.READY, T.RETRYING)  # what a delivered run_task message may start


def claim_moves(was: TaskStatus) -> list[tuple[TaskStatus, TaskStatus]]:
    """The moves a claim makes from ``was``: a pending task becomes ready first."""
    return [(T.PENDING, T.READY), (T.READY, T.RUNNING)] if was == T.PENDING else [(was, T.RUNNING)]


assert all(to in TASK_MOVES[before] for was in CLAIMABLE for before, to in claim_moves(was))
assert T.SUCCEEDED in TASK_MOVES[T.RUNNING] and T.READY in TASK_MOVES[T.PENDING]


def _tables() -> dict[str, str]:
    return {
        "jobs": Job._meta.db_table,
        "tasks": Task._meta.db_table,
        "attempts": TaskAttempt._meta.db_table,
        "events": Event._meta.db_table,
        "counter": EventCounter._meta.db_table,
    }


def _at(now: Any) -> Any:
    return Task._meta.get_field("started_at").get_db_prep_save(now, connection)


@functools.lru_cache(maxsize=64)  # a worker's name is the only thing that varies
def _payload(before: TaskStatus, worker: str | None = None) -> str:
    """A move's event payload, as ``move_task`` records it (redacted)."""
    return json.dumps(redact({"from": before.value, **({"worker": worker} if worker is not None else {})}))


def _events(job_id: Any, written: list[list[Any]], now: Any) -> list[Event]:
    """Event instances of the rows a statement inserted (id, seq, type, task key, payload)."""
    return [
        Event(pk=pk, job_id=job_id, seq=seq, type=type_, task_key=key, payload=payload, created_at=now)
        for pk, seq, type_, key, payload in sorted(written or [], key=lambda row: row[1])
    ]


# --- claim -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    task: Task  # running, with its job
    attempt: TaskAttempt
    parents: list[list[Any]]  # key, status (succeeded) and output of each parent


def claim_runnable(task_pk: int, worker: str, celery_id: str) -> Claimed | None:
    """The claim of a task whose job is running, which is claimable and whose parents have all
    succeeded: it moves to running (through ready if pending) with one more attempt, its attempt
    is opened and the moves' events recorded, as ``move_task`` and ``actions.start_attempt``
    would under ``lock_for_claim``'s locks."""
    if connection.vendor != "postgresql":
        return None
    now = timezone.now()
    at = _at(now)
    with connection.cursor() as cursor:
        cursor.execute(
            _claim_sql(), [task_pk, task_pk, at, worker, celery_id, worker, at, at, *_claim_cases(worker), at]
        )
        row = cursor.fetchone()
    if row is None:
        return None
    nj, nt = len(sql.columns(Job)), len(sql.columns(Task))
    task = sql.from_row(Task, row[nj : nj + nt])
    task.job = sql.from_row(Job, row[:nj])
    parents, attempt_pk, written = row[nj + nt :]
    attempt = TaskAttempt(
        pk=attempt_pk, task=task, number=task.attempts, worker=worker, started_at=now, heartbeat_at=now
    )
    attempt._state.adding = False
    published = _events(task.job_id, written, now)
    transaction.on_commit(lambda: publish(published))  # at once, unless the caller holds a transaction
    return Claimed(task, attempt, parents)


@functools.lru_cache(maxsize=8)
def _claim_cases(worker: str) -> tuple[Any, ...]:
    """(from, i, type, payload) of each event of each case a claim may find, flattened."""
    cases: list[Any] = []
    for was in CLAIMABLE:
        for i, (before, to) in enumerate(claim_moves(was)):
            cases += [was.value, i, f"task.{to}", _payload(before, worker if to == T.RUNNING else None)]
    return tuple(cases)


@functools.cache
def _claim_sql() -> str:
    """A parent read as succeeded has succeeded for good; any other status leaves the claim to the
    general path, which reads it again under its locks."""
    n = _tables()
    claimable = ", ".join(f"'{s.value}'" for s in CLAIMABLE)
    cases = ", ".join(["(%s, %s, %s, %s::jsonb)"] * sum(len(claim_moves(was)) for was in CLAIMABLE))
    task_columns = ", ".join(f"t.{c}" for c in sql.columns(Task))
    return f"""
        WITH j AS (SELECT {", ".join(sql.columns(Job))} FROM {n["jobs"]}
                   WHERE id = (SELECT job_id FROM {n["tasks"]} WHERE id = %s) AND status = '{J.RUNNING.value}'
                   FOR SHARE),
        o AS (SELECT t.id, t.status, pa.rows, pa.ok FROM {n["tasks"]} t JOIN j ON t.job_id = j.id,
              LATERAL (SELECT coalesce(json_agg(json_build_array(p.key, p.status, p.output)), '[]'::json) AS rows,
                              count(*) FILTER (WHERE p.status = '{T.SUCCEEDED.value}')
                                = jsonb_array_length(t.depends_on) AS ok
                       FROM {n["tasks"]} p WHERE p.job_id = t.job_id
                       AND p.key = ANY(ARRAY(SELECT jsonb_array_elements_text(t.depends_on)))) pa
              WHERE t.id = %s AND t.status IN ({claimable}) FOR UPDATE OF t),
        u AS (UPDATE {n["tasks"]} t SET status = '{T.RUNNING.value}', started_at = %s, finished_at = NULL,
                     worker = %s, celery_id = %s, attempts = t.attempts + 1
              FROM o WHERE t.id = o.id AND o.ok
              RETURNING {task_columns}, o.status AS was, o.rows),
        a AS (INSERT INTO {n["attempts"]} (task_id, number, worker, started_at, heartbeat_at, finished_at, outcome,
                                           error_class, message)
              SELECT u.id, u.attempts, %s, %s, %s, NULL, '', '', '' FROM u RETURNING id),
        e AS (SELECT v.i, v.type, v.payload FROM u JOIN (VALUES {cases}) v (was, i, type, payload) ON v.was = u.was),
        s AS (INSERT INTO {n["counter"]} (job_id, seq) SELECT u.job_id, (SELECT count(*) FROM e) FROM u, a
              ON CONFLICT (job_id) DO UPDATE SET seq = {n["counter"]}.seq + excluded.seq RETURNING seq),
        w AS (INSERT INTO {n["events"]} (job_id, seq, type, task_key, payload, created_at)
              SELECT u.job_id, s.seq - (SELECT count(*) FROM e) + 1 + e.i, e.type, u.key, e.payload, %s
              FROM u, s, e RETURNING id, seq, type, task_key, payload)
        SELECT j.*, {", ".join(f"u.{c}" for c in sql.columns(Task))}, u.rows, a.id,
               (SELECT json_agg(json_build_array(w.id, w.seq, w.type, w.task_key, w.payload)) FROM w)
        FROM j, u, a"""


# --- success -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Succeeded:
    job_priority: int
    promoted: list[Task]  # children now ready (id, key, dispatch, tool, timeout_s), in id order


def succeed_running(task: Task, attempt_pk: int, output: object) -> Succeeded | None:
    """The success of a running task of a running job with no cap on tasks in flight
    (``max_parallel``), when every waiting child's other parents have succeeded: it moves to
    succeeded with its output, its attempt is closed, its waiting children move to ready and the
    moves' events are recorded, as the completion in ``executor.run`` would with ``move_task``,
    ``actions.finish_attempt`` and ``executor.scheduling.advance``.

    A child's other parents are read with the statement's snapshot: one seen succeeded has
    succeeded for good, but one seen running may be finishing beside this one, and neither would
    see the other's success. So a waiting child with any other parent not seen succeeded leaves
    the whole move to the general path, which reads them after it has locked the children."""
    if connection.vendor != "postgresql" or (task.job.budget or {}).get("max_parallel"):
        return None  # (the statement checks the cap again under its lock)
    now = timezone.now()
    at = _at(now)
    stored = Task._meta.get_field("output").get_db_prep_save(output, connection)
    params = [task.pk, task.pk, at, stored, at, attempt_pk]
    params += [_payload(T.RUNNING), _payload(T.PENDING), at]
    with connection.cursor() as cursor:
        cursor.execute(_success_sql(), params)
        row = cursor.fetchone()
    if row is None:
        return None
    priority, children, written = row
    promoted = [
        Task(pk=pk, job_id=task.job_id, key=key, dispatch=dispatch, tool=tool, timeout_s=timeout_s, status=T.READY)
        for pk, key, dispatch, tool, timeout_s in sorted(children or [])
    ]
    published = _events(task.job_id, written, now)
    transaction.on_commit(lambda: publish(published))
    return Succeeded(int(priority), promoted)


@functools.cache
def _success_sql() -> str:
    n = _tables()
    running, pending, succeeded = T.RUNNING.value, T.PENDING.value, T.SUCCEEDED.value
    return f"""
        WITH j AS (SELECT id, priority FROM {n["jobs"]}
                   WHERE id = (SELECT job_id FROM {n["tasks"]} WHERE id = %s) AND status = '{J.RUNNING.value}'
                   AND coalesce(budget -> 'max_parallel', 'null') IN ('null', '0')  -- no cap, read under the lock
                   FOR SHARE),
        t AS (SELECT t.id, t.job_id, t.key FROM {n["tasks"]} t JOIN j ON t.job_id = j.id
              WHERE t.id = %s AND t.status = '{running}' FOR UPDATE OF t),
        kids AS (SELECT c.id, c.depends_on FROM {n["tasks"]} c JOIN t ON c.job_id = t.job_id
                 WHERE c.status = '{pending}' AND c.depends_on @> jsonb_build_array(t.key)
                 ORDER BY c.id FOR UPDATE OF c),
        ok AS (SELECT coalesce(bool_and(
                   (SELECT count(*) FROM {n["tasks"]} p WHERE p.job_id = t.job_id AND p.key <> t.key
                    AND p.status = '{succeeded}'
                    AND p.key = ANY(ARRAY(SELECT jsonb_array_elements_text(k.depends_on))))
                   = jsonb_array_length(k.depends_on) - 1), true) AS yes
               FROM t LEFT JOIN kids k ON true),
        d AS (UPDATE {n["tasks"]} d SET status = '{succeeded}', finished_at = %s, output = %s, error = '',
                     error_class = ''
              FROM t, ok WHERE d.id = t.id AND ok.yes RETURNING d.id, d.job_id, d.key),
        a AS (UPDATE {n["attempts"]} a SET finished_at = %s, outcome = '{succeeded}', error_class = '', message = ''
              FROM d WHERE a.id = %s RETURNING a.id),
        up AS (UPDATE {n["tasks"]} c SET status = '{T.READY.value}', finished_at = NULL FROM kids k, d
               WHERE c.id = k.id RETURNING c.id, c.key, c.dispatch, c.tool, c.timeout_s),
        e AS (SELECT 0 AS i, 'task.{T.SUCCEEDED.value}' AS type, d.key, %s::jsonb AS payload FROM d
              UNION ALL
              SELECT row_number() OVER (ORDER BY up.id), 'task.{T.READY.value}', up.key, %s::jsonb FROM up),
        s AS (INSERT INTO {n["counter"]} (job_id, seq)
              SELECT d.job_id, (SELECT count(*) FROM e) FROM d
              ON CONFLICT (job_id) DO UPDATE SET seq = {n["counter"]}.seq + excluded.seq RETURNING seq),
        w AS (INSERT INTO {n["events"]} (job_id, seq, type, task_key, payload, created_at)
              SELECT d.job_id, s.seq - (SELECT count(*) FROM e) + 1 + e.i, e.type, e.key, e.payload, %s
              FROM d, s, e RETURNING id, seq, type, task_key, payload)
        SELECT j.priority,
               (SELECT json_agg(json_build_array(up.id, up.key, up.dispatch, up.tool, up.timeout_s)) FROM up),
               (SELECT json_agg(json_build_array(w.id, w.seq, w.type, w.task_key, w.payload)) FROM w)
        FROM d, j"""
