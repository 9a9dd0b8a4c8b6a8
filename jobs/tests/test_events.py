"""Live publishing of committed events: at once, or held while a worker task runs and sent, in
order, when it returns."""

from __future__ import annotations

from typing import Any

import pytest

from jobs import events
from jobs.events import hold_live_events, record, release_live_events
from jobs.tests.factories import job_with_plan, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    sent: list[str] = []
    monkeypatch.setattr(events, "publish", lambda event: sent.append(event.type))
    return sent


def test_committed_events_go_out_at_once_outside_a_task(published, django_capture_on_commit_callbacks: Any):
    job, _ = job_with_plan(user())
    with django_capture_on_commit_callbacks(execute=True):
        record(job, "task.one")
    assert published == ["task.one"]


def test_held_events_go_out_in_order_when_the_outermost_hold_ends(published, django_capture_on_commit_callbacks: Any):
    job, _ = job_with_plan(user())
    hold_live_events()
    with django_capture_on_commit_callbacks(execute=True):
        record(job, "task.one")
    hold_live_events()  # a task run eagerly inside another
    with django_capture_on_commit_callbacks(execute=True):
        record(job, "task.two")
    release_live_events()
    assert published == []
    release_live_events()
    assert published == ["task.one", "task.two"]
    release_live_events()  # an unmatched release changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        record(job, "task.three")
    assert published == ["task.one", "task.two", "task.three"]


def test_a_rolled_back_event_is_never_published(published, django_capture_on_commit_callbacks: Any):
    job, _ = job_with_plan(user())
    hold_live_events()
    with django_capture_on_commit_callbacks(execute=False):
        record(job, "task.lost")
    release_live_events()
    assert published == []
