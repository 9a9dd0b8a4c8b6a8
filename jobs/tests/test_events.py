"""Writing events — one by one, or gathered and written together at the end of a block — and
publishing them once committed: at once, or held while a worker task runs and sent, in order,
when it returns."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from jobs import events
from jobs.events import gathered, hold_live_events, record, record_many, release_live_events
from jobs.models import Event
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


def test_gathered_events_are_written_together_at_the_end_in_order():
    job, _ = job_with_plan(user())
    before = job.events.count()
    with transaction.atomic(), gathered():
        first = record(job, "task.one", task_key="a")
        with gathered():  # nested: the outer block writes
            record_many(job.pk, [("task.two", {"n": 2}, "b"), ("task.three", {}, "c")])
        assert job.events.count() == before and first.seq is None
    job.refresh_from_db()
    written = list(job.events.order_by("seq").values_list("seq", "type", "task_key"))[before:]
    assert written == [(before + 1, "task.one", "a"), (before + 2, "task.two", "b"), (before + 3, "task.three", "c")]
    assert job.event_seq == before + 3 and first.seq == before + 1


def test_gathered_events_of_a_block_that_raises_are_never_written():
    job, _ = job_with_plan(user())
    before = Event.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic(), gathered():
        record(job, "task.lost")
        raise RuntimeError("the move failed")
    with transaction.atomic(), gathered():
        record(job, "task.kept")
    assert list(Event.objects.values_list("type", flat=True)[before:]) == ["task.kept"]
