"""A running attempt beats while its tool runs, and stops beating once it is done, from the
process's one heartbeat thread."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from executor.heartbeat import Heartbeat, is_stale
from jobs.models import TaskAttempt
from jobs.tests.factories import job_with_plan, user

pytestmark = pytest.mark.django_db(transaction=True)  # the heartbeat thread has its own connection


def attempt(number: int = 1) -> TaskAttempt:
    _, tasks = job_with_plan(user(f"u{number}"))
    long_ago = timezone.now() - timedelta(hours=1)
    return TaskAttempt.objects.create(task=tasks[0], number=number, started_at=long_ago, heartbeat_at=long_ago)


def beat_of(pk: int) -> object:
    return TaskAttempt.objects.get(pk=pk).heartbeat_at


def wait_for(condition, timeout: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_attempts_beat_while_running_and_stop_when_done(settings):
    settings.AWE_HEARTBEAT_S = 0.05
    first, second = attempt(1), attempt(2)
    assert is_stale(first) and is_stale(second)
    with Heartbeat(first.pk), Heartbeat(second.pk):
        assert wait_for(lambda: not is_stale(TaskAttempt.objects.get(pk=first.pk)))
        assert wait_for(lambda: not is_stale(TaskAttempt.objects.get(pk=second.pk)))
    time.sleep(0.2)  # a beat already under way may still land
    stopped = beat_of(first.pk)
    time.sleep(0.3)
    assert beat_of(first.pk) == stopped


def test_a_finished_attempt_is_not_beaten(settings):
    settings.AWE_HEARTBEAT_S = 0.05
    done = attempt()
    TaskAttempt.objects.filter(pk=done.pk).update(finished_at=timezone.now(), outcome="succeeded")
    before = beat_of(done.pk)
    with Heartbeat(done.pk):
        time.sleep(0.3)
    assert beat_of(done.pk) == before
