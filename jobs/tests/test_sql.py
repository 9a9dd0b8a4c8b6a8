"""The executor's plain-SQL reads and writes (``jobs.sql``) see and leave rows exactly as the ORM
does: same values, same types, JSON and time stamps included."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from jobs import sql
from jobs.models import Job, Task, TaskAttempt
from jobs.tests.factories import job_with_plan, user
from jobs.transitions import lock_for_claim, lock_task

pytestmark = pytest.mark.django_db


def values(instance: Model) -> dict[str, object]:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def plan(*tasks: tuple[str, list[str]]) -> dict[str, object]:
    return {
        "tasks": [
            {"id": key, "tool": "core.wait", "inputs": {"seconds": 0}, "depends_on": parents} for key, parents in tasks
        ]
    }


def test_a_locked_task_and_its_job_read_as_the_orm_reads_them():
    job, tasks = job_with_plan(user(), plan(("a", []), ("b", ["a"])))
    Task.objects.filter(pk=tasks[1].pk).update(output={"text": "é", "n": [1, 2.5, None]}, started_at=timezone.now())
    with transaction.atomic():
        locked = lock_task(tasks[1].pk)
    assert values(locked) == values(Task.objects.get(pk=tasks[1].pk))
    assert values(locked.job) == values(Job.objects.get(pk=job.pk))
    assert locked.depends_on == ["a"] and not locked._state.adding


def test_a_claim_s_lock_reads_the_parents_as_the_orm_does():
    _, tasks = job_with_plan(user(), plan(("a", []), ("b", []), ("c", ["a", "b"])))
    Task.objects.filter(pk=tasks[0].pk).update(status="succeeded", output={"text": "é", "n": [1, 2.5, None]})
    with transaction.atomic():
        locks = lock_for_claim(tasks[2].pk)
    assert values(locks.task) == values(Task.objects.get(pk=tasks[2].pk))
    assert sorted(locks.parents) == [["a", "succeeded", {"text": "é", "n": [1, 2.5, None]}], ["b", "pending", None]]
    assert locks.attempt_id is None  # SQLite: the attempt's insert is not deferred, its id comes from it


def test_locking_an_unknown_task_says_so():
    with pytest.raises(Task.DoesNotExist), transaction.atomic():
        lock_task(10**9)


def test_updates_and_created_rows_read_back_through_the_orm():
    _, tasks = job_with_plan(user())
    started = timezone.now() - timedelta(seconds=3)
    attempt = sql.create(TaskAttempt(task=tasks[0], number=1, worker="w@h", started_at=started, heartbeat_at=started))
    assert values(TaskAttempt.objects.get(pk=attempt.pk)) == values(attempt)
    assert attempt.outcome == "" and attempt.finished_at is None

    reserved = TaskAttempt(pk=10**6, task=tasks[0], number=2, worker="w@h", started_at=started, heartbeat_at=started)
    assert values(TaskAttempt.objects.get(pk=sql.create(reserved).pk)) == values(reserved)  # inserted with its id

    sql.update(Task, [], {"status": "failed"})  # nothing to change, no statement
    sql.update(Task, [tasks[0].pk], {"status": "succeeded", "output": {"ok": True}, "finished_at": started})
    row = Task.objects.get(pk=tasks[0].pk)
    assert (row.status, row.output, row.finished_at) == ("succeeded", {"ok": True}, started)


def test_instances_read_only_the_fields_asked_for_and_defer_the_rest():
    job, _ = job_with_plan(user(), plan(("a", []), ("b", ["a"])))
    rows = sql.instances(Task, ("key", "id", "depends_on"), "job_id = %s ORDER BY id", [sql.prep(Task, "job", job.pk)])
    assert [(t.key, t.depends_on) for t in rows] == [("a", []), ("b", ["a"])]
    assert "tool" in rows[0].get_deferred_fields() and "key" not in rows[0].get_deferred_fields()
    assert rows[0].tool == "core.wait"  # loaded on access, as with QuerySet.only


def test_contains_matches_the_text_literally():
    # "_" is a LIKE wildcard (and allowed in ids): "a_b" must not match "aXb".
    job, _ = job_with_plan(user(), plan(("a_b", []), ("aXb", []), ("c", ["a_b"]), ("d", ["aXb"])))
    where = f"job_id = %s AND {sql.contains(Task, 'depends_on')}"

    def matching(text: str) -> list[str]:
        params = [sql.prep(Task, "job", job.pk), sql.like_pattern(text)]
        return sorted(key for (key,) in sql.select(Task, ("key",), where, params))

    assert matching('"a_b"') == ["c"]
    assert matching('"aXb"') == ["d"]
    assert matching('"a_') == ["c"] and matching("a") == ["c", "d"]


def test_a_deferred_update_is_written_with_the_events_at_the_end_of_the_gathered_block():
    from jobs.events import gathered, record

    job, (a,) = job_with_plan(user(), plan(("a", [])))
    with transaction.atomic(), gathered():
        sql.update(Task, [a.pk], {"title": "later"}, defer=True)
        record(job, "test.deferred")
        assert Task.objects.get(pk=a.pk).title != "later"  # not yet
    assert Task.objects.get(pk=a.pk).title == "later"
    with transaction.atomic(), gathered():
        sql.update(Task, [a.pk], {"title": "alone"}, defer=True)  # no events: written all the same
    assert Task.objects.get(pk=a.pk).title == "alone"


def test_a_deferred_update_is_dropped_when_the_gathered_block_raises():
    from jobs.events import gathered

    _, (a,) = job_with_plan(user(), plan(("a", [])))
    with pytest.raises(RuntimeError), transaction.atomic(), gathered():
        sql.update(Task, [a.pk], {"title": "never"}, defer=True)
        raise RuntimeError("boom")
    assert Task.objects.get(pk=a.pk).title != "never"


def test_outside_a_gathered_block_a_deferred_update_is_written_at_once():
    _, (a,) = job_with_plan(user(), plan(("a", [])))
    sql.update(Task, [a.pk], {"title": "now"}, defer=True)
    assert Task.objects.get(pk=a.pk).title == "now"
