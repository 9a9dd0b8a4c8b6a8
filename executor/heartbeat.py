"""Heartbeats of running attempts: how a lost worker is told from a slow one."""

from __future__ import annotations

import threading
from datetime import timedelta
from types import TracebackType

from django.conf import settings
from django.db import connection
from django.utils import timezone

from jobs.models import TaskAttempt


def stale_before() -> timedelta:
    return timedelta(seconds=3 * settings.AWE_HEARTBEAT_S)


def is_stale(attempt: TaskAttempt | None) -> bool:
    """No open attempt, or one that missed three beats."""
    if attempt is None:
        return True
    last = attempt.heartbeat_at or attempt.started_at
    return timezone.now() - last > stale_before()


class Heartbeat:
    """Beats for one attempt in a background thread while the tool runs."""

    def __init__(self, attempt_pk: int) -> None:
        self.attempt_pk = attempt_pk
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{attempt_pk}", daemon=True)

    def _run(self) -> None:
        try:
            while not self._stop.wait(settings.AWE_HEARTBEAT_S):
                TaskAttempt.objects.filter(pk=self.attempt_pk, finished_at__isnull=True).update(
                    heartbeat_at=timezone.now()
                )
        finally:
            connection.close()

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join(timeout=settings.AWE_HEARTBEAT_S + 5)
