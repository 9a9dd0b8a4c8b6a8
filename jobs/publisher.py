"""Live delivery of committed events over Redis, off the thread that committed them.

A commit hands its events to its process's publisher thread and goes on, so a task or a request
does not wait for Redis: on a worker that round trip stood between a task's commit and Celery
sending the next task of its chain or chord. The thread sends in the order it was handed, so one
process's events leave in commit order, and sends everything waiting in one pipelined round trip
(one publish per event and channel had cost a worker about 0.3 ms of CPU per task).

The Event rows are the truth. A message lost here (Redis unreachable, a queue full behind a Redis
that hangs, the process killed before its queue drained) is what a failed send always was:
logged, and read from the table by the client's next request or reconnect. A process that shuts
down cleanly drains the queue first (``atexit``; a worker's pool process on
``worker_process_shutdown``).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from celery import signals
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# (channel, event type, SSE data) of one event on one channel
Message = tuple[str, str, str]

# django-eventstream's own Redis channel: ``send_event`` publishes every event on it and the
# RedisListener of each web process (and ``jobs.follow``) reads it.
REDIS_CHANNEL = "events_channel"


def _redis_message(channel: str, type_: str, data: str) -> str:
    """The message ``send_event`` publishes for an event, its id asked, as ``send_event`` asks it,
    of the eventstream's storage on a channel its channel manager calls reliable (a job's: the
    event's seq, ``jobs.eventstore``)."""
    from django_eventstream.utils import get_channelmanager, get_storage

    storage = get_storage()
    reliable = storage is not None and get_channelmanager().is_channel_reliable(channel)
    pub_id = str(storage.append_event(channel, type_, data).id) if reliable else None
    return json.dumps({"channel": channel, "event_type": type_, "data": data, "pub_id": pub_id})


class _Redis:
    client: Any = None  # the process's own client (a forked pool child makes its own)
    pid = 0


_redis = _Redis()


def _send(messages: Sequence[Message]) -> None:
    """Send a batch in one Redis round trip (a pipeline of the messages ``send_event`` would
    publish one by one). With a GRIP proxy configured, through ``send_event``, which also
    publishes to the proxy."""
    from django.conf import settings
    from django_eventstream import send_event

    if getattr(settings, "GRIP_URL", None) or getattr(settings, "GRIP_PROXIES", None):
        for channel, type_, data in messages:
            send_event(channel, type_, data, json_encode=False)
        return
    if _redis.client is None or _redis.pid != os.getpid():
        import redis

        _redis.client, _redis.pid = redis.Redis(**settings.EVENTSTREAM_REDIS), os.getpid()
    pipe = _redis.client.pipeline(transaction=False)
    for channel, type_, data in messages:
        pipe.publish(REDIS_CHANNEL, _redis_message(channel, type_, data))
    pipe.execute()


class Publisher:
    """``max_unsent`` bounds the batches waiting (a Redis that hangs must not grow the process
    without end): past it a batch is dropped and counted in ``dropped``, and a warning logged.
    ``send`` gets every batch waiting when the thread comes round, in order, as one list.

    ``linger_s`` (``AWE_EVENTS_LINGER_S`` by default) is how long the thread waits, once a batch
    has come, for more to go with it: a worker commits twice per task, a few milliseconds apart,
    and one send alone cost its process about 0.27 ms of CPU (a Redis round trip and two thread
    wake-ups), against 0.06 ms per batch sent together."""

    def __init__(
        self,
        send: Callable[[Sequence[Message]], None] = _send,
        max_unsent: int = 10_000,
        linger_s: float | None = None,
    ) -> None:
        self._send = send
        self._max_unsent = max_unsent
        self._linger_s = linger_s
        self._lock = threading.Condition()
        self._queue: queue.SimpleQueue[Sequence[Message]] = queue.SimpleQueue()
        self._unsent = 0
        self._pid: int | None = None
        self.dropped = 0

    def put(self, messages: Sequence[Message]) -> None:
        """Queue messages for sending; returns at once."""
        if not messages:
            return
        with self._lock:
            if self._pid != os.getpid():  # first use in this process (a pool child is a fork)
                self._pid, self._queue, self._unsent = os.getpid(), queue.SimpleQueue(), 0
                threading.Thread(target=self._run, args=(self._queue,), name="awe-live-publish", daemon=True).start()
            if self._unsent >= self._max_unsent:
                self.dropped += 1
                if self.dropped == 1 or self.dropped % 1000 == 0:
                    log.warning("live publish: %d batches wait for Redis; dropped %d (read from the Event table "
                                "on reconnect)", self._unsent, self.dropped)  # fmt: skip
                return
            self._unsent += 1
        self._queue.put(messages)

    def flush(self, timeout_s: float = 5.0) -> bool:
        """Wait until everything queued so far has been sent (or failed); False on timeout."""
        with self._lock:
            if self._pid != os.getpid():
                return True  # nothing queued in this process
            return self._lock.wait_for(lambda: self._unsent == 0, timeout=timeout_s)

    def _run(self, messages_in: queue.SimpleQueue[Sequence[Message]]) -> None:
        linger_s = self._linger_s
        if linger_s is None:  # read here, not at import: the module loads before settings may
            from django.conf import settings

            linger_s = float(settings.AWE_EVENTS_LINGER_S)
        while True:
            batches = [messages_in.get()]
            if linger_s > 0:
                time.sleep(linger_s)
            with contextlib.suppress(queue.Empty):
                while len(batches) < 100:  # what else waits goes in the same round trip
                    batches.append(messages_in.get_nowait())
            messages = [message for batch in batches for message in batch]
            try:
                self._send(messages)
            except (OSError, ConnectionError, RedisError) as exc:
                log.warning("live publish of %d events (%s ...) failed: %s", len(messages), messages[0][0], exc)
            except Exception:  # the thread must outlive a bad message
                log.exception("live publish of %d events (%s ...) failed", len(messages), messages[0][0])
            with self._lock:
                self._unsent -= len(batches)
                self._lock.notify_all()


publisher = Publisher()
atexit.register(publisher.flush)


def _flush_on_pool_exit(**_: object) -> None:
    publisher.flush()


# a worker's pool process leaves without running atexit handlers
signals.worker_process_shutdown.connect(_flush_on_pool_exit, weak=False)
