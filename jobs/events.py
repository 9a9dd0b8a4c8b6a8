"""Every change is an event: one ``record()`` writes the Event row and, after commit, sends it
on the job's django-eventstream channel."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from redis.exceptions import RedisError

from jobs.models import Event, Job
from tools.redact import redact

log = logging.getLogger(__name__)


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
    job_id = job.pk if isinstance(job, Job) else job
    data = redact(payload or {})
    now = timezone.now()
    with transaction.atomic(savepoint=False):  # free inside the caller's transaction
        pk, seq = _insert(job_id, type, task_key, data, now)
        event = Event(pk=pk, job_id=job_id, seq=seq, type=type, task_key=task_key, payload=data, created_at=now)
        transaction.on_commit(lambda: publish(event))
    return event


def _insert(job_id: Any, type: str, task_key: str, payload: dict[str, Any], now: datetime) -> tuple[int, int]:
    """Number the event by bumping the job's counter, and insert it: every state change writes
    one, so this is plain SQL. The counter's row lock orders one job's events by commit, and
    stays held to the end of the caller's transaction. PostgreSQL does both in one statement;
    SQLite (no UPDATE inside WITH) in two. Returns the event's id and sequence number."""
    job_pk = Job._meta.pk.get_db_prep_value(job_id, connection) if Job._meta.pk else job_id
    values = [
        type,
        task_key,
        Event._meta.get_field("payload").get_db_prep_save(payload, connection),
        Event._meta.get_field("created_at").get_db_prep_save(now, connection),
    ]
    insert = f"INSERT INTO {Event._meta.db_table} (job_id, seq, type, task_key, payload, created_at)"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            bump = f"UPDATE {Job._meta.db_table} SET event_seq = event_seq + 1 WHERE id = %s RETURNING event_seq"
            cursor.execute(f"WITH s AS ({bump}) {insert} SELECT %s, s.event_seq, %s, %s, %s, %s FROM s RETURNING id, seq",
                           [job_pk, job_pk, *values])  # fmt: skip
            row = cursor.fetchone()
        else:
            seq = _bump(cursor, job_pk, 1)
            cursor.execute(f"{insert} VALUES (%s, %s, %s, %s, %s, %s) RETURNING id, seq", [job_pk, seq, *values])
            row = cursor.fetchone()
    if row is None:
        raise Job.DoesNotExist(f"no job {job_id}")
    return int(row[0]), int(row[1])


def _bump(cursor: Any, job_pk: Any, n: int) -> int:
    """Reserve ``n`` sequence numbers of a job; returns the last one."""
    cursor.execute(
        f"UPDATE {Job._meta.db_table} SET event_seq = event_seq + %s WHERE id = %s RETURNING event_seq", [n, job_pk]
    )
    row = cursor.fetchone()
    if row is None:
        raise Job.DoesNotExist(f"no job {job_pk}")
    return int(row[0])


def record_many(job_id: Any, items: list[tuple[str, dict[str, Any], str]]) -> list[Event]:
    """``record`` for a batch of ``(type, payload, task_key)`` of one job: two statements."""
    if not items:
        return []
    job_pk = Job._meta.pk.get_db_prep_value(job_id, connection) if Job._meta.pk else job_id
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            first = _bump(cursor, job_pk, len(items)) - len(items) + 1
        events = Event.objects.bulk_create(
            Event(job_id=job_id, seq=first + i, type=type, task_key=key, payload=redact(payload))
            for i, (type, payload, key) in enumerate(items)
        )

        def publish_all() -> None:
            for event in events:
                publish(event)

        transaction.on_commit(publish_all)
    return events


def publish(event: Event) -> None:
    """Send a committed event to live listeners over Redis (production). The row is already the
    truth: a failed send is logged and the client catches up from the Event table on its next
    read. Without Redis the web processes tail the Event table themselves (``jobs.live``)."""
    from django.conf import settings
    from django_eventstream import send_event

    if not getattr(settings, "EVENTSTREAM_REDIS", None):
        return
    try:
        data = event_data(event)
        send_event(job_channel(event.job_id), event.type, data, json_encode=False)
        for channel in user_channels_of(event):
            send_event(channel, event.type, data, json_encode=False)
    except (OSError, ConnectionError, RedisError) as exc:
        log.warning("live publish of event %s #%s failed: %s", event.job_id, event.seq, exc)
