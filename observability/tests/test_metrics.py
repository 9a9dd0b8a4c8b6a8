"""``GET /metrics``: who may read it, what it names and how it counts what the executor does."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.authtoken.models import Token

from executor.run import execute
from jobs.models import JobStatus, Task
from jobs.tests.factories import job_with_plan, user
from jobs.transitions import move_job
from observability import metrics

pytestmark = pytest.mark.django_db

# Labels that would make a series per job, task, user or request: never allowed.
UNBOUNDED = {"job", "job_id", "task", "task_key", "task_id", "user", "owner", "request_id", "celery_task_id"}


def scrape(client: Client, **headers: str) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.content
    samples: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get(name, {}).get(tuple(sorted(labels.items())), 0.0)


def test_the_embedded_footprint_serves_metrics_without_credentials(client):
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert b"awe_queue_depth" in response.content


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Bearer wrong"}, 403), ({"Authorization": "Token nope"}, 403),
     ({"Authorization": "Bearer s3cret-metrics"}, 200)],
)  # fmt: skip
def test_production_metrics_need_the_token_or_a_staff_user(client, settings, headers, status):
    settings.EMBEDDED = False
    settings.AWE_METRICS_TOKEN = "s3cret-metrics"
    response = client.get("/metrics", headers=headers)
    assert response.status_code == status, response.content
    if status == 401:
        assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'


def test_production_metrics_without_a_token_answer_staff_only(client, settings):
    settings.EMBEDDED = False
    settings.AWE_METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 401
    client.force_login(user("bob"))
    assert client.get("/metrics").status_code == 403
    staff = user("ops", is_staff=True)
    client.force_login(staff)
    assert client.get("/metrics").status_code == 200
    client.logout()
    token = Token.objects.create(user=staff)
    assert client.get("/metrics", headers={"Authorization": f"Token {token.key}"}).status_code == 200


def test_metrics_off_means_no_endpoint(client, settings):
    settings.AWE_METRICS_ENABLED = False
    assert client.get("/metrics").status_code == 404


def test_every_family_follows_the_naming_conventions(client):
    # A labelled family has samples (and so appears) once something was counted in it.
    metrics.count_job_created("explicit")
    metrics.count_task("core.wait", "succeeded", 0.001)
    metrics.count_llm_call({"provider": "mock", "model": "mock", "tokens_in": 3, "tokens_out": 4, "cost_usd": 0.0})
    response = client.get("/metrics")
    families = list(text_string_to_metric_families(response.content.decode()))
    ours = [f for f in families if f.name.startswith("awe_")]
    names = {f.name for f in ours}
    assert {"awe_jobs_created", "awe_tasks", "awe_task_duration_seconds", "awe_queue_depth",
            "awe_dead_letters_pending", "awe_llm_cost_usd", "awe_sse_clients"} <= names  # fmt: skip
    for family in ours:
        assert re.fullmatch(r"awe_[a-z0-9_]+", family.name), family.name
        if family.type == "counter":
            assert all(s.name.endswith(("_total", "_created")) for s in family.samples), family.name
        if family.type == "histogram":
            assert family.name.endswith("_seconds"), family.name
        for sample in family.samples:
            assert not (set(sample.labels) & UNBOUNDED), (family.name, sample.labels)


@pytest.mark.django_db(transaction=True)
def test_a_task_that_fails_for_good_is_counted_by_tool_outcome_and_dead_letter(client, tmp_path):
    before = scrape(client)
    owner = user()
    plan = {"tasks": [{"id": "ok", "tool": "core.wait", "inputs": {"seconds": 0}},
                      {"id": "bad", "tool": "core.read_file", "inputs": {"path": "missing.txt"}}]}  # fmt: skip
    job, tasks = job_with_plan(owner, plan)
    move_job(job, JobStatus.RUNNING)
    for task in tasks:
        execute(task.pk, worker="w@test")
    assert Task.objects.get(pk=tasks[1].pk).status == "failed"
    after = scrape(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("awe_tasks_total", tool="core.wait", outcome="succeeded") == 1
    assert grew("awe_tasks_total", tool="core.read_file", outcome="failed") == 1
    assert grew("awe_dead_letters_total", error_class="permanent") == 1
    assert grew("awe_task_duration_seconds_count", tool="core.read_file") == 1
    assert grew("awe_jobs_finished_total", outcome="failed") == 1
    assert grew("awe_events_recorded_total", type="task.failed") == 1
    assert value(after, "awe_dead_letters_pending") >= 1


def test_counting_costs_nothing_when_metrics_are_off(monkeypatch):
    monkeypatch.setattr(metrics, "ENABLED", False)
    before = metrics.TASKS.labels("core.wait", "succeeded")._value.get()
    metrics.count_task("core.wait", "succeeded", 0.1)
    assert metrics.TASKS.labels("core.wait", "succeeded")._value.get() == before
