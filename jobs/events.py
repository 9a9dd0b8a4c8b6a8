"""Every change is an event: one ``record()`` writes the Event row and, after commit, sends it
on the job's django-eventstream channel."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from jobs.models import Event, Job

log = logging.getLogger(__name__)


def job_channel(job_id: object) -> str:
    return f"job-{job_id}"


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
    """Append an event to the job's history (in the caller's transaction) and publish it on commit."""
    job_id = job.pk if isinstance(job, Job) else job
    with transaction.atomic(savepoint=False):
        seq = _next_seq(job_id)
        event = Event.objects.create(job_id=job_id, seq=seq, type=type, task_key=task_key, payload=payload or {})
        transaction.on_commit(lambda: publish(event))
    return event


def _next_seq(job_id: Any) -> int:
    """Bump and read the job's event counter in one statement (PostgreSQL and SQLite both
    support RETURNING); the row lock it takes orders concurrent events of one job."""
    table = Job._meta.db_table
    pk = Job._meta.pk.get_db_prep_value(job_id, connection) if Job._meta.pk else job_id
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET event_seq = event_seq + 1 WHERE id = %s RETURNING event_seq", [pk])
        row = cursor.fetchone()
    if row is None:
        raise Job.DoesNotExist(f"no job {job_id}")
    return int(row[0])


def publish(event: Event) -> None:
    """Send a committed event to live listeners. The row is already the truth: a failed send
    is logged and the client catches up from the Event table on its next read."""
    from django_eventstream import send_event

    try:
        send_event(job_channel(event.job_id), event.type, event_data(event), json_encode=False)
    except (OSError, ConnectionError) as exc:
        log.warning("live publish of event %s #%s failed: %s", event.job_id, event.seq, exc)
