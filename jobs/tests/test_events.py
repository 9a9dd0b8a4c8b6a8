"""Writing events: one by one, or gathered and written together at the end of a block."""

from __future__ import annotations

import pytest
from django.db import transaction

from jobs.events import gathered, record, record_many
from jobs.models import Event
from jobs.tests.factories import job_with_plan, user

pytestmark = pytest.mark.django_db


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
