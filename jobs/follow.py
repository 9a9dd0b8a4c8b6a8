"""Following a job's events from a process that has the database (CLI commands).

Events are read from the Event table (the stream's storage: ordered, nothing missed or
repeated). What wakes the reader is the same live transport the web process uses: with
``AWE_EVENTSTREAM_REDIS_URL`` the eventstream's Redis channel (subscribed before the first read,
so nothing published in between is missed); without it, the table is re-read every ``poll_s``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterator

from django.conf import settings
from redis.exceptions import RedisError

from jobs.events import job_channel
from jobs.models import JOB_TERMINAL, Event, Job
from jobs.publisher import REDIS_CHANNEL

log = logging.getLogger(__name__)

SAFETY_WAKE_S = 2.0  # with Redis, re-read at least this often in case a publish was lost

Waiter = Callable[[float], None]


@contextlib.contextmanager
def _wakeups(job_id: uuid.UUID | str, poll_s: float) -> Iterator[Waiter]:
    """A function that blocks until the job may have a new event (or a timeout passes)."""
    options = getattr(settings, "EVENTSTREAM_REDIS", None)
    if not options:
        yield lambda limit: time.sleep(min(poll_s, limit))
        return
    import redis

    pubsub = redis.Redis(**options).pubsub(ignore_subscribe_messages=True)
    try:
        pubsub.subscribe(REDIS_CHANNEL)
    except RedisError as exc:
        log.warning("live events unavailable (%s); reading the Event table every %s s", exc, poll_s)
        yield lambda limit: time.sleep(min(poll_s, limit))
        return
    wanted = job_channel(job_id)

    def wait(limit: float) -> None:
        end = time.monotonic() + min(limit, SAFETY_WAKE_S)
        while (left := end - time.monotonic()) > 0:
            message = pubsub.get_message(timeout=left)
            if message and json.loads(message["data"]).get("channel") == wanted:
                return

    try:
        yield wait
    finally:
        pubsub.close()


def follow(
    job_id: uuid.UUID | str, after_seq: int = 0, *, poll_s: float = 0.1, timeout_s: float | None = None
) -> Iterator[Event]:
    """Yield the job's events after ``after_seq`` in order, until the job has ended and every
    event is read. Raises ``TimeoutError`` after ``timeout_s`` without the job ending."""
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    seq = after_seq
    ended = False
    with _wakeups(job_id, poll_s) as wait:
        while True:
            batch = list(Event.objects.filter(job_id=job_id, seq__gt=seq).order_by("seq")[:500])
            yield from batch
            if batch:
                seq = batch[-1].seq
                continue
            if ended:
                return
            status = Job.objects.filter(pk=job_id).values_list("status", flat=True).get()
            if status in JOB_TERMINAL:
                # The job may have ended between the read above and this one: its last events
                # committed with its status, so one more read finds them.
                ended = True
                continue
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise TimeoutError(f"job {job_id} still {status} after {timeout_s} s")
            wait(SAFETY_WAKE_S if left is None else left)
