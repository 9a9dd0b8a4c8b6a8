"""The admin as an operator uses it: actions through the executor's verbs, read-only records."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from jobs import actions
from jobs.models import DeadLetter, Job, JobStatus, Task, TaskStatus
from jobs.tests.factories import job_with_plan, user
from jobs.transitions import move_job, move_task

pytestmark = pytest.mark.django_db

TWO_TASKS = {
    "tasks": [
        {"id": "a", "tool": "core.wait", "inputs": {"seconds": 0}},
        {"id": "b", "tool": "core.wait", "inputs": {"seconds": 0}, "depends_on": ["a"]},
    ]
}


@pytest.fixture
def ops() -> Client:
    client = Client()
    client.force_login(user("ops", is_staff=True, is_superuser=True))
    return client


def _failed_job() -> tuple[Job, Task, Task]:
    """A failed job: ``a`` failed for good (dead-lettered), ``b`` blocked behind it."""
    job, (a, b) = job_with_plan(user("alice"), TWO_TASKS)
    move_job(job, JobStatus.RUNNING)
    for to in (TaskStatus.READY, TaskStatus.RUNNING, TaskStatus.FAILED):
        a = move_task(a, to)
    actions.dead_letter(a, "boom", "permanent")
    b = move_task(b, TaskStatus.BLOCKED)
    return move_job(job, JobStatus.FAILED), a, b


def _act(client: Client, model: str, action: str, *rows: object) -> list[str]:
    response = client.post(
        f"/admin/jobs/{model}/", {"action": action, "_selected_action": [str(r) for r in rows]}, follow=True
    )
    assert response.status_code == 200
    return [str(m) for m in response.context["messages"]]


def _state(job: Job) -> tuple[str, list[tuple[str, str]], int]:
    job.refresh_from_db()
    return job.status, sorted(job.tasks.values_list("key", "status")), job.events.count()


def test_cancel_action_cancels_a_running_job_and_its_unfinished_tasks(ops):
    job, _ = job_with_plan(user("alice"), TWO_TASKS)
    move_job(job, JobStatus.RUNNING)
    assert _act(ops, "job", "cancel", job.pk) == [f"job {job.pk}: cancelled"]
    assert _state(job)[:2] == ("cancelled", [("a", "cancelled"), ("b", "cancelled")])


def test_cancel_action_on_a_finished_job_names_its_status_and_changes_nothing(ops):
    job, _ = job_with_plan(user("alice"))
    move_job(job, JobStatus.RUNNING)
    move_job(job, JobStatus.SUCCEEDED)
    before = _state(job)
    assert _act(ops, "job", "cancel", job.pk) == [
        f"job {job.pk} is succeeded; it cannot become cancelled; nothing changed"
    ]
    assert _state(job) == before


def test_retry_failed_action_resumes_the_job_and_its_blocked_tasks(ops):
    job, a, _ = _failed_job()
    assert _act(ops, "job", "retry_failed", job.pk) == [f"job {job.pk}: retrying 1 failed task(s)"]
    status, tasks, _ = _state(job)
    assert status == "running" and dict(tasks)["b"] == "pending" and dict(tasks)["a"] in ("pending", "ready")
    assert DeadLetter.objects.get(task=a).replayed


def test_retry_failed_action_without_failed_tasks_names_the_status_and_changes_nothing(ops):
    job, _ = job_with_plan(user("alice"))
    move_job(job, JobStatus.RUNNING)
    before = _state(job)
    assert _act(ops, "job", "retry_failed", job.pk) == [
        f"job {job.pk} is running; it cannot become retried (no failed task); nothing changed"
    ]
    assert _state(job) == before


def test_one_illegal_row_does_not_stop_the_others(ops):
    done, _ = job_with_plan(user("alice"))
    move_job(done, JobStatus.CANCELLED)
    running, _ = job_with_plan(user("bob"))
    move_job(running, JobStatus.RUNNING)
    messages = _act(ops, "job", "cancel", done.pk, running.pk)
    assert sorted(messages) == sorted(
        [f"job {done.pk} is cancelled; it cannot become cancelled; nothing changed", f"job {running.pk}: cancelled"]
    )
    assert _state(running)[0] == "cancelled"


def test_task_retry_action_retries_a_failed_task(ops):
    job, a, _ = _failed_job()
    assert _act(ops, "task", "retry", a.pk) == [f"task {job.pk}/a: retrying"]
    assert _state(job)[0] == "running"


def test_task_retry_action_on_a_task_that_did_not_fail_names_its_status_and_changes_nothing(ops):
    job, _, b = _failed_job()
    before = _state(job)
    assert _act(ops, "task", "retry", b.pk) == ["task 'b' is blocked; it cannot become retried; nothing changed"]
    assert _state(job) == before


def test_actions_need_the_change_permission(ops):
    viewer = user("viewer", is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["view_job", "view_task"]))
    client = Client()
    client.force_login(viewer)
    job, _ = job_with_plan(user("alice"))
    move_job(job, JobStatus.RUNNING)
    page = client.get("/admin/jobs/job/")
    assert page.status_code == 200 and b'value="cancel"' not in page.content
    client.post("/admin/jobs/job/", {"action": "cancel", "_selected_action": [str(job.pk)]})
    assert _state(job)[0] == "running"
    assert b'value="cancel"' in ops.get("/admin/jobs/job/").content


@pytest.mark.parametrize("model", ["job", "task", "event", "deadletter", "artifact", "llmcall"])
def test_engine_records_cannot_be_added_by_hand(ops, model):
    assert ops.get(f"/admin/jobs/{model}/add/").status_code == 403
    assert f"/admin/jobs/{model}/add/".encode() not in ops.get(f"/admin/jobs/{model}/").content


def test_a_tasks_internal_fields_are_shown_but_not_editable(ops):
    _, [task] = job_with_plan(user("alice"))
    Task.objects.filter(pk=task.pk).update(celery_id="celery-123")
    page = ops.get(f"/admin/jobs/task/{task.pk}/change/")
    assert page.status_code == 200 and b"celery-123" in page.content and b"core.wait" in page.content
    for field in ("celery_id", "dispatch", "inputs", "tool", "status", "key", "depends_on"):
        assert f'name="{field}"'.encode() not in page.content, field
    ops.post(f"/admin/jobs/task/{task.pk}/change/", {"tool": "core.write_file", "celery_id": "forged"})
    task.refresh_from_db()
    assert (task.tool, task.celery_id) == ("core.wait", "celery-123")


def test_a_jobs_fields_are_shown_but_not_editable(ops):
    job, _ = job_with_plan(user("alice"), goal="the original goal")
    page = ops.get(f"/admin/jobs/job/{job.pk}/change/")
    assert page.status_code == 200 and b"the original goal" in page.content and b"Event seq" in page.content
    for field in ("goal", "status", "priority", "context_json", "budget", "owner"):
        assert f'name="{field}"'.encode() not in page.content, field
    ops.post(f"/admin/jobs/job/{job.pk}/change/", {"goal": "forged", "status": "succeeded", "priority": 9})
    job.refresh_from_db()
    assert (job.goal, job.status) == ("the original goal", "queued")
