"""Advance after a success: only the finished task's children are looked at, and a child is
promoted once all of its parents have succeeded."""

from __future__ import annotations

import pytest
from django.db import transaction

from executor.scheduling import promote_ready
from jobs.models import Event, Job, JobStatus, Task, TaskStatus
from jobs.tests.factories import job_with_plan, user

pytestmark = pytest.mark.django_db

S = TaskStatus


def wait(key: str, *parents: str) -> dict[str, object]:
    return {"id": key, "tool": "core.wait", "inputs": {"seconds": 0}, "depends_on": list(parents)}


def statuses(job: Job) -> dict[str, str]:
    return dict(Task.objects.filter(job=job).values_list("key", "status"))


def succeed(job: Job, *keys: str) -> None:
    Task.objects.filter(job=job, key__in=keys).update(status=S.SUCCEEDED)


def promote_after(job: Job, key: str) -> list[str]:
    with transaction.atomic():
        return sorted(t.key for t in promote_ready(Job.objects.select_for_update().get(pk=job.pk), after=key))


def test_a_child_waits_for_its_last_parent():
    job, _ = job_with_plan(user(), {"tasks": [wait("a"), wait("b"), wait("c", "a", "b")]})
    succeed(job, "a")
    assert promote_after(job, "a") == []
    succeed(job, "b")
    assert promote_after(job, "b") == ["c"]
    assert statuses(job)["c"] == S.READY


def test_only_the_children_of_the_finished_task_are_promoted():
    # "a_b" must not match "aXb" (an underscore is a LIKE wildcard), nor "a" match "a_b".
    plan = {"tasks": [wait("a"), wait("a_b"), wait("aXb"), wait("c1", "a_b"), wait("c2", "aXb"), wait("c3", "a")]}
    job, _ = job_with_plan(user(), plan)
    succeed(job, "a_b", "aXb", "a")
    assert promote_after(job, "a_b") == ["c1"]
    assert statuses(job) == {
        "a": "succeeded",
        "a_b": "succeeded",
        "aXb": "succeeded",
        "c1": "ready",
        "c2": "pending",
        "c3": "pending",
    }
    assert promote_after(job, "aXb") == ["c2"]
    assert promote_after(job, "a") == ["c3"]


def test_with_a_cap_any_waiting_task_may_take_a_freed_slot():
    plan = {"tasks": [wait("a"), wait("b"), wait("c", "b")]}
    job, _ = job_with_plan(user(), plan)
    Job.objects.filter(pk=job.pk).update(budget={"max_parallel": 1})
    succeed(job, "a")
    Task.objects.filter(job=job, key="b").update(status=S.PENDING)
    assert promote_after(job, "a") == ["b"]  # not a child of "a", but its slot is free now


def test_a_task_of_a_chain_runs_in_a_fixed_number_of_statements(django_assert_max_num_queries):
    # The hot path: the claim (locks, parents, move, attempt, event) and the completion (attempt,
    # locks, move, children, promotion, events). More statements here cost every task.
    from executor.run import execute
    from jobs.transitions import move_job

    job, _ = job_with_plan(user(), {"tasks": [wait("a"), wait("b", "a"), wait("c", "b")]})
    move_job(job, JobStatus.RUNNING)
    with transaction.atomic():
        promote_ready(Job.objects.select_for_update().get(pk=job.pk))
    assert execute(Task.objects.get(job=job, key="a").pk, worker="w").status == "ran"
    b = Task.objects.get(job=job, key="b").pk
    # 5 statements on PostgreSQL: the claim's lock (which also reads the parents and reserves the
    # attempt's id) and its events, the completion's lock, the children read under lock and its
    # events, where the deferred writes (the moves to running and to succeeded, the attempt
    # opened and closed, the child promoted) go. SQLite runs those one by one (+5), numbers each
    # batch of events in two statements instead of one (+2), and the test's transaction turns the
    # claim's and the completion's BEGIN/COMMIT into 4 savepoint statements: 16.
    with django_assert_max_num_queries(16):
        assert execute(b, worker="w").status == "ran"
    assert statuses(job) == {"a": "succeeded", "b": "succeeded", "c": "ready"}


def dependants(job: Job) -> dict[str, bool]:
    return dict(Task.objects.filter(job=job).values_list("key", "has_dependants"))


def test_a_plan_marks_the_tasks_that_others_depend_on():
    job, _ = job_with_plan(user(), {"tasks": [wait("a"), wait("b", "a"), wait("c", "a"), wait("d", "b", "c")]})
    assert dependants(job) == {"a": True, "b": True, "c": True, "d": False}


def test_a_replan_marks_the_dependants_of_its_new_plan():
    from executor.replan import _apply
    from jobs import actions
    from planner.service import check

    job, _ = job_with_plan(user(), {"tasks": [wait("a"), wait("b", "a"), wait("c", "b")]})

    def replan_to(*tasks: dict[str, object]) -> dict[str, bool]:
        plan = {"tasks": list(tasks)}
        _apply(job, actions.save_plan(job, plan, source="test"), check(plan), set())
        return dependants(job)

    # c gains a dependant; then c is dropped (cancelled), so b loses its only one
    assert replan_to(wait("a"), wait("b", "a"), wait("c", "b"), wait("d", "c")) == {
        "a": True, "b": True, "c": True, "d": False,
    }  # fmt: skip
    assert replan_to(wait("a"), wait("b", "a"), wait("d")) == {"a": True, "b": False, "c": False, "d": False}


def test_only_a_task_that_others_depend_on_looks_for_children_to_promote(monkeypatch):
    from executor import scheduling
    from executor.run import execute
    from jobs.transitions import move_job

    looked: list[str | None] = []
    real = scheduling.promote_ready

    def spy(job: Job, *, after: str | None = None) -> list[Task]:
        looked.append(after)
        return real(job, after=after)

    job, _ = job_with_plan(user(), {"tasks": [wait("a"), wait("b", "a"), wait("lone")]})
    move_job(job, JobStatus.RUNNING)
    with transaction.atomic():
        promote_ready(Job.objects.select_for_update().get(pk=job.pk))
    monkeypatch.setattr(scheduling, "promote_ready", spy)
    for key in ("lone", "a", "b"):
        assert execute(Task.objects.get(job=job, key=key).pk, worker="w").status == "ran"
    assert looked == ["a"]  # neither "lone" nor "b" has a dependant
    assert Job.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED  # the last one settled the job


def test_with_a_cap_a_task_without_dependants_still_frees_its_slot():
    from executor.run import execute
    from jobs.transitions import move_job

    job, _ = job_with_plan(user(), {"tasks": [wait("a"), wait("b")]})
    Job.objects.filter(pk=job.pk).update(budget={"max_parallel": 1})
    move_job(job, JobStatus.RUNNING)
    with transaction.atomic():
        assert [t.key for t in promote_ready(Job.objects.select_for_update().get(pk=job.pk))] == ["a"]
    assert execute(Task.objects.get(job=job, key="a").pk, worker="w").status == "ran"
    assert statuses(job)["b"] == S.READY  # admitted by the slot "a" freed, though not its child


def dispatched(job: Job) -> dict[str, str]:
    return dict(Task.objects.filter(job=job).values_list("key", "dispatch"))


def sent_keys(canvas: object) -> list[str]:
    from planner.compile import waits_for

    pks = {int(pk) for pk in waits_for(canvas)}
    return sorted(Task.objects.filter(pk__in=pks).values_list("key", flat=True))


def test_a_long_chain_is_sent_in_segments_as_it_becomes_ready(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    from executor import scheduling

    settings.AWE_CANVAS_MAX_TASKS = 2
    sent: list[list[str]] = []
    monkeypatch.setattr(scheduling, "_send_on_commit", lambda job, canvas, tasks: sent.append(sent_keys(canvas)))
    keys = ["a", "b", "c", "d", "e"]
    job, _ = job_with_plan(user(), {"tasks": [wait(k, *keys[i - 1 : i]) for i, k in enumerate(keys)]})
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)

    scheduling.dispatch(job.pk)
    assert sent == [["a", "b"]]  # a's message carries b: two tasks
    assert dispatched(job) == {"a": "canvas", "b": "canvas", "c": "later", "d": "later", "e": "later"}

    succeed(job, "a", "b")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        scheduling.advance(Task.objects.select_related("job").get(job=job, key="b"))  # c is ready: its segment goes
    assert sent == [["a", "b"], ["c", "d"]]
    assert dispatched(job) == {"a": "canvas", "b": "canvas", "c": "canvas", "d": "canvas", "e": "later"}
    [event] = Event.objects.filter(job=job, type="plan.segment_sent")
    assert event.payload == {"tasks": 2, "first": ["c"], "later": 1}

    scheduling.send_later(job.pk)  # a second completion's call finds nothing left to send
    assert len(sent) == 2


def test_a_later_segment_waits_for_every_parent_outside_it(settings, monkeypatch):
    from executor import scheduling

    settings.AWE_CANVAS_MAX_TASKS = 1  # every series step starts a segment
    sent: list[list[str]] = []
    monkeypatch.setattr(scheduling, "_send_on_commit", lambda job, canvas, tasks: sent.append(sent_keys(canvas)))
    plan = {"tasks": [wait("a"), wait("b", "a"), wait("x"), wait("y", "x"), wait("j", "b", "y")]}
    job, _ = job_with_plan(user(), plan)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    scheduling.dispatch(job.pk)
    assert sent == [["a", "x"]]
    succeed(job, "a")
    Task.objects.filter(job=job, key="b").update(status=S.READY)
    scheduling.send_later(job.pk)
    assert sent[-1] == ["b"]  # not j: it also waits for y, which has not run
    assert dispatched(job)["j"] == "later"


def test_results_are_stored_only_where_a_chord_join_reads_them():
    from celery.backends.redis import RedisBackend

    from awe_project.celery import app
    from executor.routing import message_options, results_needed

    job, _ = job_with_plan(user(), {"tasks": [wait("a")]})
    options = message_options(Task.objects.get(job=job, key="a"), 5)
    assert results_needed(app.backend) is True  # the embedded django-db backend joins chords from results
    assert options["ignore_result"] is False
    assert results_needed(RedisBackend(app=app, url="redis://127.0.0.1:6379/0")) is False  # joins from its own list
