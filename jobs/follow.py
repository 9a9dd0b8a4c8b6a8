"""Following a job's events from a process that has the database (CLI commands)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

from jobs.models import JOB_TERMINAL, Event, Job


def follow(
    job_id: uuid.UUID | str, after_seq: int = 0, *, poll_s: float = 0.1, timeout_s: float | None = None
) -> Iterator[Event]:
    """Yield the job's events after ``after_seq`` in order, until the job has ended and every
    event is read. The Event table is the stream's storage, so nothing is missed or repeated."""
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    seq = after_seq
    while True:
        batch = list(Event.objects.filter(job_id=job_id, seq__gt=seq).order_by("seq")[:500])
        yield from batch
        if batch:
            seq = batch[-1].seq
            continue
        status = Job.objects.filter(pk=job_id).values_list("status", flat=True).get()
        if status in JOB_TERMINAL:
            return
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError(f"job {job_id} still {status} after {timeout_s} s")
        time.sleep(poll_s)
