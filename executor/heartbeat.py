"""Heartbeats of running attempts: how a lost worker is told from a slow one."""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import timedelta
from types import TracebackType

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from jobs.models import TaskAttempt

log = logging.getLogger(__name__)


def stale_before() -> timedelta:
    return timedelta(seconds=3 * settings.AWE_HEARTBEAT_S)


def is_stale(attempt: TaskAttempt | None) -> bool:
    """No open attempt, or one that missed three beats."""
    if attempt is None:
        return True
    last = attempt.heartbeat_at or attempt.started_at
    return timezone.now() - last > stale_before()


class _Beater:
    """The process's one beating thread: every ``AWE_HEARTBEAT_S`` it stamps the open attempts that
    ``Heartbeat`` registered (a thread started per task cost more than some tasks' own work)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.attempts: set[int] = set()
        self.pid: int | None = None

    def add(self, attempt_pk: int) -> None:
        with self.lock:
            if self.pid != os.getpid():  # first use in this process (a pool child is a fork)
                self.pid, self.attempts = os.getpid(), set()
                threading.Thread(target=self._run, name="awe-heartbeat", daemon=True).start()
            self.attempts.add(attempt_pk)

    def discard(self, attempt_pk: int) -> None:
        with self.lock:
            self.attempts.discard(attempt_pk)

    def _run(self) -> None:
        while True:
            time.sleep(settings.AWE_HEARTBEAT_S)
            with self.lock:
                beating = sorted(self.attempts)
            try:
                if beating:
                    TaskAttempt.objects.filter(pk__in=beating, finished_at__isnull=True).update(
                        heartbeat_at=timezone.now()
                    )
                    close_old_connections()  # kept between beats up to CONN_MAX_AGE
                else:
                    connection.close()
            except DatabaseError as exc:  # the next beat tries again; three missed make it stale
                log.warning("heartbeat of attempts %s failed: %s", beating, exc)
                connection.close()


_beater = _Beater()


class Heartbeat:
    """Beats for one attempt while the tool runs."""

    def __init__(self, attempt_pk: int) -> None:
        self.attempt_pk = attempt_pk

    def __enter__(self) -> Heartbeat:
        _beater.add(self.attempt_pk)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        _beater.discard(self.attempt_pk)
