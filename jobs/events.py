"""Every change is an event: one ``record()`` writes the Event row and, after commit, sends it
on the job's django-eventstream channel."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
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
    with transaction.atomic(savepoint=False):
        seq = _next_seq(job_id)
        event = Event.objects.create(
            job_id=job_id, seq=seq, type=type, task_key=task_key, payload=redact(payload or {})
        )
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
