"""Live delivery of committed events over Redis, off the thread that committed them.

A commit hands its events to its process's publisher thread and goes on, so a task or a request
does not wait for the Redis round trips (one per event and channel): on a worker they stood
between a task's commit and Celery sending the next task of its chain or chord. The thread sends
in the order it was handed, so one process's events leave in commit order.

The Event rows are the truth. A message lost here (Redis unreachable, a queue full behind a Redis
that hangs, the process killed before its queue drained) is what a failed send always was: logged, and read from the table by the
client's next request or reconnect. A process that shuts down cleanly drains the queue first
(``atexit``; a worker's pool process on ``worker_process_shutdown``).
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
from collections.abc import Callable, Sequence

from celery import signals
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# (channel, event type, SSE data) of one event on one channel
Message = tuple[str, str, str]


def _send(channel: str, type_: str, data: str) -> None:
    from django_eventstream import send_event

    send_event(channel, type_, data, json_encode=False)


class Publisher:
    """``max_unsent`` bounds the batches waiting (a Redis that hangs must not grow the process
    without end): past it a batch is dropped and counted in ``dropped``, and a warning logged."""

    def __init__(self, send: Callable[[str, str, str], None] = _send, max_unsent: int = 10_000) -> None:
        self._send = send
        self._max_unsent = max_unsent
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
        while True:
            messages = messages_in.get()
            for channel, type_, data in messages:
                try:
                    self._send(channel, type_, data)
                except (OSError, ConnectionError, RedisError) as exc:
                    log.warning("live publish on %s failed: %s", channel, exc)
                except Exception:  # the thread must outlive a bad message
                    log.exception("live publish on %s failed", channel)
            with self._lock:
                self._unsent -= 1
                self._lock.notify_all()


publisher = Publisher()
atexit.register(publisher.flush)


def _flush_on_pool_exit(**_: object) -> None:
    publisher.flush()


# a worker's pool process leaves without running atexit handlers
signals.worker_process_shutdown.connect(_flush_on_pool_exit, weak=False)
