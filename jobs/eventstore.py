"""django-eventstream backed by the Event table: storage for replay, channel permissions."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django_eventstream.event import Event as StreamEvent
from django_eventstream.storage import StorageBase

from jobs.events import ALL_JOBS_CHANNEL, event_data, user_channel
from jobs.models import Event, EventCounter, Job

JOB_PREFIX = "job-"


def job_id_from_channel(channel: str) -> uuid.UUID | None:
    if not channel.startswith(JOB_PREFIX):
        return None
    try:
        return uuid.UUID(channel[len(JOB_PREFIX) :])
    except ValueError:
        return None


class EventTableStorage(StorageBase):  # type: ignore[misc]
    """The Event table is the stream's storage.

    ``record()`` has already written the row inside the state change's transaction, so
    appending only hands back that row's sequence number as the SSE id.
    """

    def append_event(self, channel: str, event_type: str, data: str) -> StreamEvent:
        return StreamEvent(channel, event_type, data, id=int(json.loads(data)["seq"]))

    def get_events(self, channel: str, last_id: int, limit: int = 100) -> list[StreamEvent]:
        job_id = job_id_from_channel(channel)
        if job_id is None:
            return []
        rows = Event.objects.filter(job_id=job_id, seq__gt=last_id).order_by("seq")[:limit]
        return [StreamEvent(channel, row.type, event_data(row), id=row.seq) for row in rows]

    def get_current_id(self, channel: str) -> int:
        job_id = job_id_from_channel(channel)
        return EventCounter.of(job_id) if job_id else 0


class JobChannelManager:
    """A job's channel is readable by its owner and by staff; a user's job-list channel by that
    user; the channel of all jobs by staff."""

    def get_channels_for_request(self, request: Any, view_kwargs: dict[str, Any]) -> set[str]:
        return set(view_kwargs.get("channels", ()))

    def can_read_channel(self, user: Any, channel: str) -> bool:
        if user is None or not user.is_authenticated:
            return False
        if channel == ALL_JOBS_CHANNEL:
            return bool(user.is_staff)
        if channel == user_channel(user.pk):
            return True
        job_id = job_id_from_channel(channel)
        if job_id is None:
            return False
        if user.is_staff:
            return Job.objects.filter(pk=job_id).exists()
        return Job.objects.filter(pk=job_id, owner=user).exists()

    def is_channel_reliable(self, channel: str) -> bool:
        return channel.startswith(JOB_PREFIX)
