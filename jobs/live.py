"""Live delivery of recorded events to the SSE clients of this web process.

Two transports, one storage. With ``AWE_EVENTSTREAM_REDIS_URL`` (production) every process
publishes committed events on Redis and django-eventstream's listener in each web process pushes
them to its clients. Without Redis (the embedded footprint) a web process tails the Event table
instead: one thread per process reads rows past a cursor every ``AWE_EVENTS_POLL_S`` and queues
them on django-eventstream's listener manager, exactly as the Redis listener would.

The tail cursor is the Event primary key. On SQLite (the embedded database) writers are
serialised, so ids become visible in commit order and a cursor never skips a row. Both paths can
hand a stream an event it already read from storage when it (re)connected; ``dedupe_sse`` drops
those, so a client sees each ``seq`` of a job once, in order.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import AsyncIterator
from typing import Any

from django.conf import settings
from django.db import close_old_connections

from jobs.events import event_data, job_channel, user_channels_of
from jobs.models import Event

log = logging.getLogger(__name__)

BATCH = 500


def redis_enabled() -> bool:
    return bool(getattr(settings, "EVENTSTREAM_REDIS", None))


class EventTail(threading.Thread):
    """Reads new Event rows and queues them for this process's listeners (embedded footprint)."""

    def __init__(self, poll_s: float) -> None:
        super().__init__(name="awe-event-tail", daemon=True)
        self.poll_s = poll_s
        self.cursor = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                delivered = self.step()
            except Exception:  # a database hiccup must not end live delivery: log, wait, go on
                log.exception("event tail: reading new events failed; retrying")
                close_old_connections()
                delivered = 0
            if delivered < BATCH:
                self.stopping.wait(self.poll_s)

    def step(self) -> int:
        """Queue every event past the cursor for the listeners of its channels; return how many."""
        from django_eventstream.event import Event as StreamEvent
        from django_eventstream.views import get_listener_manager

        rows = list(Event.objects.filter(id__gt=self.cursor).select_related("job").order_by("id")[:BATCH])
        if not rows:
            return 0
        manager = get_listener_manager()
        for row in rows:
            data = event_data(row)
            manager.add_to_queues(
                job_channel(row.job_id), StreamEvent(job_channel(row.job_id), row.type, data, id=row.seq)
            )
            for channel in user_channels_of(row):
                manager.add_to_queues(channel, StreamEvent(channel, row.type, data))
        self.cursor = rows[-1].id
        return len(rows)


_tail: EventTail | None = None
_tail_lock = threading.Lock()


def ensure_live() -> None:
    """Start this process's Event-table tail when Redis does not carry live events.

    Called before a stream registers its listener, so the cursor is set before the stream reads
    storage: every event is then either in that read or delivered live (or both, see dedupe)."""
    global _tail
    if redis_enabled():
        return
    with _tail_lock:
        if _tail is None or not _tail.is_alive():
            _tail = EventTail(settings.AWE_EVENTS_POLL_S)
            _tail.start()


def _seq_of(block: str) -> tuple[str, int] | None:
    """(job id, seq) of one encoded SSE event, or None for comments and stream control events."""
    for line in block.split("\n"):
        if line.startswith("data: {"):
            try:
                data = json.loads(line[len("data: ") :])
            except ValueError:
                return None
            if isinstance(data, dict) and "seq" in data and "job" in data:
                return str(data["job"]), int(data["seq"])
    return None


class SeqFilter:
    """Drops, per job, events this connection has already passed (a replay after reconnecting
    repeats some). Live events may arrive out of order — each worker publishes after its own
    commit — so a late one with a lower ``seq`` still goes through (the pages sort by ``seq``).

    Per job it keeps a floor (every ``seq`` up to it has passed, or came before this connection's
    first event: the stream starts at the client's last id) and the passed ``seq`` above it."""

    def __init__(self) -> None:
        self.floor: dict[str, int] = {}
        self.above: dict[str, set[int]] = {}

    def passed(self, job: str, seq: int) -> bool:
        """Whether ``seq`` of ``job`` has passed already; if not, it passes now."""
        floor = self.floor.setdefault(job, seq - 1)
        above = self.above.setdefault(job, set())
        if seq <= floor or seq in above:
            return True
        above.add(seq)
        while floor + 1 in above:
            floor += 1
            above.discard(floor)
        self.floor[job] = floor
        return False

    def chunk(self, text: str) -> str:
        kept = []
        for block in text.split("\n\n"):
            key = _seq_of(block)
            if key is not None and self.passed(*key):
                continue
            kept.append(block)
        return "\n\n".join(kept)


async def dedupe_sse(stream: AsyncIterator[Any]) -> AsyncIterator[str]:
    """Pass an SSE body through, dropping events of a job already sent on this connection."""
    seen = SeqFilter()
    async for chunk in stream:
        text = chunk.decode() if isinstance(chunk, bytes) else str(chunk)
        out = seen.chunk(text)
        if out.strip("\n") or not text.strip("\n"):
            yield out
