"""Statuses change in one place: legal moves are recorded as events, illegal ones change nothing."""

from __future__ import annotations

import pytest
from django.db import transaction

from jobs.events import job_channel
from jobs.eventstore import EventTableStorage, JobChannelManager
from jobs.models import Event, Job, JobStatus, Task, TaskStatus
from jobs.tests.factories import job_with_plan, user
from jobs.transitions import JOB_MOVES, TASK_MOVES, IllegalTransition, move_job, move_task, move_tasks

pytestmark = pytest.mark.django_db


def seqs(job: Job) -> list[int]:
    return list(job.events.order_by("seq").values_list("seq", flat=True))


def test_every_legal_job_move_records_one_event():
    job, _ = job_with_plan(user())
    before = job.events.count()
    move_job(job, JobStatus.PLANNING)
    move_job(job, JobStatus.RUNNING)
    move_job(job, JobStatus.SUCCEEDED)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.finished_at is not None
    assert [e.type for e in job.events.order_by("seq")][before:] == ["job.planning", "job.running", "job.succeeded"]
    assert seqs(job) == list(range(1, job.event_seq + 1))


@pytest.mark.parametrize(
    ("current", "target"), [(c, t) for c in JOB_MOVES for t in JobStatus.values if t not in JOB_MOVES[c]]
)
def test_illegal_job_moves_raise_and_change_nothing(current, target):
    job, _ = job_with_plan(user())
    Job.objects.filter(pk=job.pk).update(status=current)
    events = job.events.count()
    with pytest.raises(IllegalTransition) as info:
        move_job(job, JobStatus(target))
    assert info.value.current == current
    job.refresh_from_db()
    assert job.status == current and job.events.count() == events


@pytest.mark.parametrize(
    ("current", "target"), [(c, t) for c in TASK_MOVES for t in TaskStatus.values if t not in TASK_MOVES[c]]
)
def test_illegal_task_moves_raise_and_change_nothing(current, target):
    _, [task] = job_with_plan(user())
    Task.objects.filter(pk=task.pk).update(status=current)
    with pytest.raises(IllegalTransition):
        move_task(task, TaskStatus(target))
    task.refresh_from_db()
    assert task.status == current


def test_a_rolled_back_move_leaves_no_event_and_no_change():
    _, [task] = job_with_plan(user())
    events = Event.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        move_task(task, TaskStatus.READY)
        raise RuntimeError("boom")
    task.refresh_from_db()
    assert task.status == "pending" and Event.objects.count() == events


def test_task_moves_set_fields_and_timestamps():
    _, [task] = job_with_plan(user())
    task = move_task(task, TaskStatus.READY)
    task = move_task(task, TaskStatus.RUNNING, worker="w1", attempts=1)
    assert task.started_at is not None and task.worker == "w1"
    task = move_task(task, TaskStatus.SUCCEEDED, output={"x": 1})
    assert task.finished_at is not None and task.output == {"x": 1}
    event = Event.objects.filter(job=task.job, task_key="a").order_by("-seq").first()
    assert event is not None and event.type == "task.succeeded" and event.payload["from"] == "running"


def test_the_event_table_is_the_stream_storage():
    job, [task] = job_with_plan(user())
    move_task(task, TaskStatus.READY)
    storage = EventTableStorage()
    channel = job_channel(job.pk)
    assert storage.get_current_id(channel) == job.events.count()
    replay = storage.get_events(channel, 1)
    assert [e.id for e in replay] == seqs(job)[1:]
    assert storage.get_events("job-not-a-uuid", 0) == []


def test_only_owner_and_staff_read_a_job_channel():
    owner, other, staff = user("owner"), user("other"), user("staff", is_staff=True)
    job, _ = job_with_plan(owner)
    manager = JobChannelManager()
    channel = job_channel(job.pk)
    assert manager.can_read_channel(owner, channel)
    assert not manager.can_read_channel(other, channel)
    assert manager.can_read_channel(staff, channel)
    assert not manager.can_read_channel(None, channel)
    assert not manager.can_read_channel(owner, "job-123")


def test_a_batch_move_records_one_event_per_task_in_sequence():
    plan = {"tasks": [{"id": k, "tool": "core.wait", "inputs": {"seconds": 0}} for k in ("a", "b", "c")]}
    job, tasks = job_with_plan(user(), plan)
    before = Job.objects.get(pk=job.pk).event_seq
    with transaction.atomic():
        moved = move_tasks(tasks, TaskStatus.READY, event={"why": "test"})
    assert [t.status for t in moved] == ["ready"] * 3
    assert set(Task.objects.filter(job=job).values_list("status", flat=True)) == {"ready"}
    events = list(job.events.filter(seq__gt=before).order_by("seq"))
    assert [(e.type, e.task_key, e.payload) for e in events] == [
        ("task.ready", k, {"from": "pending", "why": "test"}) for k in ("a", "b", "c")
    ]
    assert seqs(Job.objects.get(pk=job.pk)) == list(range(1, before + 4))


def test_a_batch_with_one_illegal_move_changes_nothing():
    plan = {"tasks": [{"id": k, "tool": "core.wait", "inputs": {"seconds": 0}} for k in ("a", "b")]}
    job, tasks = job_with_plan(user(), plan)
    Task.objects.filter(pk=tasks[1].pk).update(status=TaskStatus.SUCCEEDED)
    tasks[1].refresh_from_db()
    events = job.events.count()
    with pytest.raises(IllegalTransition):
        move_tasks(tasks, TaskStatus.READY)
    assert list(Task.objects.filter(job=job).order_by("key").values_list("status", flat=True)) == [
        "pending",
        "succeeded",
    ]
    assert job.events.count() == events
