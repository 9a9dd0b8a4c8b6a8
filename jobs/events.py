"""Every change is an event: one ``record()`` writes the Event row and, after commit, sends it
on the job's django-eventstream channel."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from jobs import sql
from jobs.models import Event, EventCounter, Job
from jobs.publisher import publisher
from observability import metrics
from tools.redact import redact

ALL_JOBS_CHANNEL = "jobs"  # every job-level event, for staff


def job_channel(job_id: object) -> str:
    return f"job-{job_id}"


def user_channel(user_id: object) -> str:
    """The job list of one user: the job-level events (``job.*``) of the jobs they own."""
    return f"user-{user_id}"


def user_channels_of(event: Event) -> list[str]:
    """Channels besides the job's own that carry ``event``: job-level events feed job lists."""
    if not event.type.startswith("job."):
        return []
    return [user_channel(event.job.owner_id), ALL_JOBS_CHANNEL]


def event_data(event: Event) -> str:
    """The SSE ``data:`` of an event: the same JSON live and on replay."""
    return json.dumps(
        {
            "seq": event.seq,
            "job": str(event.job_id),
            "type": event.type,
            "task": event.task_key or None,
            "payload": event.payload,
            "at": event.created_at,
        },
        cls=DjangoJSONEncoder,
    )


def record(job: Job | Any, type: str, payload: dict[str, Any] | None = None, *, task_key: str = "") -> Event:
    """Append an event to the job's history (in the caller's transaction) and publish it on commit.
    The payload is stored and sent with its secrets redacted (``tools.redact``)."""
    return record_many(job.pk if isinstance(job, Job) else job, [(type, payload or {}, task_key)])[0]


class _Gathering(threading.local):
    events: list[Event] | None = None


_gathering = _Gathering()


@contextmanager
def gathered() -> Iterator[None]:
    """Events recorded inside the block are written together when it ends (in the caller's
    transaction; not at all if it raises): one statement on PostgreSQL for a claim's or a
    completion's events, with the writes the block deferred (``jobs.sql.update(..., defer=True)``).
    Until then they have no ``pk`` or ``seq``. Writing them last keeps the
    job's counter row locked only from the block's end to commit: claims and completions, which
    share the job's row, queue on it for no longer than that (docs/executor.md, Locks)."""
    if _gathering.events is not None:  # nested: the outermost block writes
        yield
        return
    _gathering.events = []
    try:
        with sql.deferring() as writes:
            yield
        events = _gathering.events
    finally:
        _gathering.events = None
    _write(events, writes)


def record_many(job_id: Any, items: list[tuple[str, dict[str, Any], str]]) -> list[Event]:
    """``record`` for a batch of ``(type, payload, task_key)`` of one job, numbered in order."""
    now = timezone.now()
    events = [
        Event(job_id=job_id, type=type, task_key=key, payload=redact(payload), created_at=now)
        for type, payload, key in items
    ]
    if _gathering.events is not None:
        _gathering.events.extend(events)
    else:
        _write(events)
    return events


def _write(events: list[Event], writes: Sequence[sql.Write] = ()) -> None:
    """Number and insert events, and publish them on commit.

    Every state change writes events, so this is plain SQL: a job's counter (``EventCounter``) is
    bumped once per batch (its row lock orders one job's events by commit and is held to the end
    of the caller's transaction) and the rows are inserted — on PostgreSQL in one statement (an
    upsert inside WITH, which SQLite lacks)."""
    postgres = connection.vendor == "postgresql"
    if not (events and postgres):
        sql.run(writes)  # one by one; on PostgreSQL they go with the first job's events
        writes = ()
    if not events:
        return
    with transaction.atomic(savepoint=False):  # free inside the caller's transaction
        for _, batch in itertools.groupby(events, key=lambda event: event.job_id):
            of_one_job = list(batch)
            if postgres:
                _insert_numbered(of_one_job, writes)
                writes = ()
            else:
                with connection.cursor() as cursor:
                    first = _bump(cursor, _job_pk(of_one_job[0].job_id), len(of_one_job)) - len(of_one_job) + 1
                for i, event in enumerate(of_one_job):
                    event.seq = first + i
                Event.objects.bulk_create(of_one_job)
        transaction.on_commit(lambda: publish(events))


def _job_pk(job_id: Any) -> Any:
    return Job._meta.pk.get_db_prep_value(job_id, connection) if Job._meta.pk else job_id


def _bump_sql(n: int) -> str:
    """Reserve ``n`` sequence numbers of the job given as the parameter (its counter row is made by
    the first event); returns the last one as ``seq``."""
    table = EventCounter._meta.db_table
    return (f"INSERT INTO {table} (job_id, seq) VALUES (%s, {n}) "
            f"ON CONFLICT (job_id) DO UPDATE SET seq = {table}.seq + excluded.seq RETURNING seq")  # fmt: skip


def _bump(cursor: Any, job_pk: Any, n: int) -> int:
    """SQLite: reserve ``n`` sequence numbers of a job; returns the last one."""
    cursor.execute(_bump_sql(n), [job_pk])
    return int(cursor.fetchone()[0])


def _insert_numbered(events: list[Event], writes: Sequence[sql.Write] = ()) -> None:
    """PostgreSQL: bump the counter and insert the events of one job in one statement, with
    ``writes`` as data-modifying WITH queries (each runs once, whether or not it is read); sets
    the events' ids and sequence numbers."""
    job_pk = _job_pk(events[0].job_id)
    payload, created_at = Event._meta.get_field("payload"), Event._meta.get_field("created_at")
    rows, values = [], []
    for i, event in enumerate(events):
        rows.append("(%s, %s, %s, %s, %s)")
        values += [
            i,
            event.type,
            event.task_key,
            payload.get_db_prep_save(event.payload, connection),
            created_at.get_db_prep_save(event.created_at, connection),
        ]
    n = len(events)
    insert = f"INSERT INTO {Event._meta.db_table} (job_id, seq, type, task_key, payload, created_at)"
    pick = f"SELECT %s, s.seq - {n - 1} + v.i, v.type, v.task_key, v.payload, v.created_at"
    batch = f"(VALUES {', '.join(rows)}) AS v (i, type, task_key, payload, created_at)"
    with connection.cursor() as cursor:
        ahead = "".join(f"w{i} AS ({statement}), " for i, (statement, _) in enumerate(writes))
        cursor.execute(f"WITH {ahead}s AS ({_bump_sql(n)}) {insert} {pick} FROM s, {batch} RETURNING id, seq",
                       [*(p for _, params in writes for p in params), job_pk, job_pk, *values])  # fmt: skip
        numbered = cursor.fetchall()
    first = min(seq for _, seq in numbered)
    for pk, seq in numbered:
        events[seq - first].pk, events[seq - first].seq = int(pk), int(seq)


def publish(events: list[Event]) -> None:
    """Send committed events to live listeners over Redis (production), through this process's
    publisher thread (``jobs.publisher``): the committer does not wait for Redis. Without Redis
    the web processes tail the Event table themselves (``jobs.live``)."""
    from django.conf import settings

    metrics.count_events([event.type for event in events])  # every committed event passes here
    if not getattr(settings, "EVENTSTREAM_REDIS", None):
        return
    messages = []
    for event in events:
        data = event_data(event)
        messages += [(channel, event.type, data) for channel in (job_channel(event.job_id), *user_channels_of(event))]
    publisher.put(messages)
