"""The REST API: clear 4xx for bad input, nothing half-written, users see only their own jobs."""

from __future__ import annotations

import json

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from jobs import actions
from jobs.models import Job, JobStatus
from jobs.tests.factories import job_with_plan, user
from jobs.transitions import move_job

pytestmark = pytest.mark.django_db

SEED = {"goal": "Generate an implementation checklist and artifact summary", "context_json": {}, "priority": 1}


@pytest.fixture(autouse=True)
def data_dirs(settings, tmp_path):
    settings.AWE_WORKSPACES_DIR = tmp_path / "workspaces"
    settings.STORAGES = {
        **settings.STORAGES,
        "artifacts": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "artifacts")},
        },
    }
    return tmp_path


@pytest.fixture
def api():
    return APIClient()


def post(api, body, **kw):
    return api.post("/api/jobs", body, format="json", **kw)


def test_the_seed_goal_is_accepted(api):
    response = post(api, SEED)
    assert response.status_code == 201, response.content
    job = Job.objects.get(pk=response.json()["id"])
    assert job.owner.username == "local" and job.status == "queued"
    assert [e.type for e in job.events.all()] == ["job.created"]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"goal": ""}, "goal", "blank"),
        ({"goal": "   "}, "goal", "blank"),
        ({}, "goal", "required"),
        ({"goal": "x" * 8001}, "goal", "8000"),
        ({"goal": "g", "context_json": [1, 2]}, "context_json", "object"),
        ({"goal": "g", "context_json": {"k": "v" * 300_000}}, "context_json", "limit"),
        ({"goal": "g", "priority": 10}, "priority", "less than or equal to 9"),
        ({"goal": "g", "priority": -1}, "priority", "greater than or equal to 0"),
        ({"goal": "g", "colour": "red"}, "colour", "unknown field"),
        ({"goal": "g", "budget": {"max_tasks": 0}}, "budget", "greater than or equal to 1"),
        ({"goal": "g", "budget": {"tokens": 5}}, "budget", "unknown field"),
        ({"goal": "g", "plan": "tasks"}, "plan", "JSON object"),
    ],
)
def test_bad_input_is_a_400_naming_the_problem(api, body, field, words):
    response = post(api, body)
    assert response.status_code == 400
    assert field in response.json()
    assert words in json.dumps(response.json())
    assert not Job.objects.exists()


def test_malformed_json_is_a_400(api):
    response = api.post("/api/jobs", "{not json", content_type="application/json")
    assert response.status_code == 400 and "JSON parse error" in response.json()["detail"]
    assert not Job.objects.exists()


def test_form_posts_are_refused(api):
    response = api.post("/api/jobs", {"goal": "g"})  # multipart, as a cross-site form would send
    assert response.status_code == 415


def test_an_invalid_explicit_plan_lists_every_problem_and_creates_nothing(api):
    plan = {
        "tasks": [
            {"id": "a", "tool": "core.nope"},
            {"id": "b", "tool": "core.wait", "inputs": {"seconds": "soon"}},
            {"id": "c", "tool": "core.read_file", "inputs": {"path": {"$ref": "ghost.output.path"}}},
            {"id": "d", "tool": "core.wait", "inputs": {"seconds": 1}, "depends_on": ["e"]},
            {"id": "e", "tool": "core.wait", "inputs": {"seconds": 1}, "depends_on": ["d"]},
        ]
    }
    response = post(api, {"goal": "g", "plan": plan})
    assert response.status_code == 400
    codes = {p["code"] for p in response.json()["plan"]}
    assert codes == {"unknown_tool", "bad_input", "unknown_ref", "cycle"}
    assert not Job.objects.exists()


def test_a_valid_explicit_plan_starts_the_job(api):
    plan = {"tasks": [{"id": "a", "tool": "core.wait", "inputs": {"seconds": 0}}]}
    response = post(api, {"goal": "g", "plan": plan})
    assert response.status_code == 201
    job = Job.objects.get(pk=response.json()["id"])
    assert job.status == "running"
    assert job.tasks.get().status == "ready"


def test_text_the_database_cannot_store_in_the_context_or_the_plan_is_a_400_naming_its_place(api):
    """PostgreSQL stores no NUL and no lone surrogate in text or jsonb: refused before anything is written."""
    context = post(api, {"goal": "g", "context_json": {"notes": ["ok", "a\x00b"]}})
    assert context.status_code == 400
    assert context.json() == {"context_json": ["notes[1]: holds a NUL character (\\u0000), which cannot be stored"]}
    body = '{"goal": "g", "context_json": {"file": "caf\\udce9"}}'  # as json.dumps writes a lone surrogate
    surrogate = api.post("/api/jobs", body, content_type="application/json")
    assert surrogate.json() == {"context_json": ["file: holds a lone surrogate (\\udce9), which cannot be stored"]}
    plan = {"tasks": [{"id": "a", "tool": "core.write_file", "inputs": {"path": "x", "content": "\x00"}}]}
    refused = post(api, {"goal": "g", "plan": plan})
    assert refused.status_code == 400 and refused.json()["plan"][0]["code"] == "unstorable"
    assert not Job.objects.exists()


def test_unknown_job_ids_are_404(api):
    for path in [
        "/api/jobs/00000000-0000-0000-0000-000000000000",
        "/api/jobs/00000000-0000-0000-0000-000000000000/details",
    ]:
        assert api.get(path).status_code == 404
    cancel = api.post("/api/jobs/00000000-0000-0000-0000-000000000000/cancel")
    assert cancel.status_code == 404
    assert cancel.json() == {"detail": "no job 00000000-0000-0000-0000-000000000000"}
    assert api.get("/api/jobs/not-a-uuid").status_code == 404


def test_cancelling_a_finished_job_is_a_409_with_the_status(api):
    owner = user()
    job, _ = job_with_plan(owner)
    api.force_authenticate(owner)
    move_job(job, JobStatus.RUNNING)
    move_job(job, JobStatus.SUCCEEDED)
    response = api.post(f"/api/jobs/{job.pk}/cancel")
    assert response.status_code == 409
    assert response.json()["status"] == "succeeded"


def test_cancel_cancels_waiting_tasks(api):
    owner = user()
    api.force_authenticate(owner)
    job, [task] = job_with_plan(owner)
    move_job(job, JobStatus.RUNNING)
    response = api.post(f"/api/jobs/{job.pk}/cancel")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    task.refresh_from_db()
    assert task.status == "cancelled"


def test_list_is_paginated_and_filtered_by_status(api, settings):
    owner = user()
    api.force_authenticate(owner)
    jobs = [job_with_plan(owner, goal=f"goal {i}")[0] for i in range(25)]
    move_job(jobs[0], JobStatus.CANCELLED)
    page = api.get("/api/jobs").json()
    assert page["count"] == 25 and len(page["results"]) == 20 and page["next"]
    assert len(api.get("/api/jobs?page=2").json()["results"]) == 5
    cancelled = api.get("/api/jobs?status=cancelled").json()
    assert [j["id"] for j in cancelled["results"]] == [str(jobs[0].pk)]
    assert api.get("/api/jobs?status=queued,cancelled").json()["count"] == 25
    bad = api.get("/api/jobs?status=done")
    assert bad.status_code == 400 and "done" in bad.json()["status"][0]
    assert api.get("/api/jobs?page=99").status_code == 404


def test_list_searches_goals_and_sorts(api):
    owner = user()
    api.force_authenticate(owner)
    low = job_with_plan(owner, goal="Write the release checklist")[0]
    high = job_with_plan(owner, goal="Summarise the incident report")[0]
    Job.objects.filter(pk=high.pk).update(priority=7)
    found = api.get("/api/jobs?search=CHECKLIST release").json()
    assert [j["id"] for j in found["results"]] == [str(low.pk)]
    by_priority = api.get("/api/jobs?ordering=-priority").json()["results"]
    assert [j["id"] for j in by_priority] == [str(high.pk), str(low.pk)]
    newest_first = api.get("/api/jobs").json()["results"]
    assert [j["id"] for j in newest_first] == [str(high.pk), str(low.pk)]
    assert api.get("/api/jobs?ordering=owner__password").status_code == 200  # unknown fields are ignored


def test_details_tasks_and_one_task(api):
    owner = user()
    api.force_authenticate(owner)
    job, _ = job_with_plan(owner)
    details = api.get(f"/api/jobs/{job.pk}/details").json()
    assert details["plan"]["version"] == 1 and [t["id"] for t in details["tasks"]] == ["a"]
    assert details["recent_events"][0]["type"] == "job.created"
    assert [t["id"] for t in api.get(f"/api/jobs/{job.pk}/tasks").json()] == ["a"]
    assert api.get(f"/api/jobs/{job.pk}/tasks/a").json()["tool"] == "core.wait"
    missing = api.get(f"/api/jobs/{job.pk}/tasks/zzz")
    assert missing.status_code == 404 and missing.json() == {"detail": f"job {job.pk} has no task 'zzz'"}
    assert api.post(f"/api/jobs/{job.pk}/tasks/zzz/retry").json() == missing.json()
    assert [p["version"] for p in details["plans"]] == [1]


def test_one_task_lists_every_attempt_with_its_outcome(api):
    owner = user()
    api.force_authenticate(owner)
    job, _ = job_with_plan(owner)
    task = job.tasks.get(key="a")
    task.attempts = 1
    first = actions.start_attempt(task, "w1@host")
    actions.finish_attempt(first, "retrying", error_class="transient", message="timed out after 1 s")
    task.attempts = 2
    actions.start_attempt(task, "w2@host")
    log = api.get(f"/api/jobs/{job.pk}/tasks/a").json()["attempt_log"]
    assert [(a["number"], a["worker"], a["outcome"]) for a in log] == [(1, "w1@host", "retrying"), (2, "w2@host", "")]
    assert log[0]["error_class"] == "transient" and log[0]["duration_s"] is not None and log[1]["finished_at"] is None


def test_production_auth_requires_a_token_and_scopes_jobs(api, settings):
    settings.AWE_LOCAL_USER = ""
    assert api.get("/api/jobs").status_code in (401, 403)
    assert post(api, SEED).status_code in (401, 403)
    alice, bob, staff = user("alice"), user("bob"), user("root", is_staff=True)
    alices_job, _ = job_with_plan(alice)
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=bob).key}")
    assert api.get("/api/jobs").json()["count"] == 0
    assert api.get(f"/api/jobs/{alices_job.pk}").status_code == 404
    assert api.get(f"/api/jobs/{alices_job.pk}/events").status_code == 403  # its stream: refused, no data
    assert api.post(f"/api/jobs/{alices_job.pk}/cancel").status_code == 404
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=alice).key}")
    assert api.get("/api/jobs").json()["count"] == 1
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff).key}")
    assert api.get(f"/api/jobs/{alices_job.pk}").status_code == 200


def _artifact(owner, data=b"# hi\n"):
    _, [task] = job_with_plan(owner)
    return actions.save_artifact(task, "out/report.md", data, "text/markdown")


def test_artifact_download_returns_the_bytes(api):
    owner = user()
    api.force_authenticate(owner)
    artifact = _artifact(owner)
    response = api.get("/api/artifacts/download", {"path": artifact.path})
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"# hi\n"
    assert response["Content-Type"] == "text/markdown"


@pytest.mark.parametrize(
    ("path", "status"),
    [("../secret", 400), ("/etc/passwd", 400), ("a\x00b", 400), ("", 400), ("x/../../y", 400), ("nope/none.md", 404)],
)
def test_bad_download_paths_are_refused(api, path, status):
    api.force_authenticate(user())
    for endpoint in ("/api/artifacts/download", "/api/workspace/download"):
        response = api.get(endpoint, {"path": path})
        assert response.status_code == status, (endpoint, path, response.content)


def test_someone_elses_artifact_reads_like_a_missing_one(api):
    artifact = _artifact(user("alice"))
    api.force_authenticate(user("bob"))
    theirs = api.get("/api/artifacts/download", {"path": artifact.path})
    missing = api.get("/api/artifacts/download", {"path": "nothing/here.md"})
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()


def test_workspace_download_and_symlink_escape(api, data_dirs):
    owner = user()
    api.force_authenticate(owner)
    job, _ = job_with_plan(owner)
    workspace = actions.workspace_dir(job.pk)
    (workspace / "notes.md").write_text("notes")
    ok = api.get("/api/workspace/download", {"path": f"{job.pk}/notes.md"})
    assert ok.status_code == 200 and b"".join(ok.streaming_content) == b"notes"
    secret = data_dirs / "secret.txt"
    secret.write_text("secret")
    (workspace / "link").symlink_to(data_dirs)
    response = api.get("/api/workspace/download", {"path": f"{job.pk}/link/secret.txt"})
    assert response.status_code == 400
    assert b"secret" not in response.content


def test_tools_schema_docs_and_health(api):
    tools = {t["name"]: t for t in api.get("/api/tools").json()}
    assert {"core.write_file", "core.wait", "core.render_markdown"} <= set(tools)
    assert tools["core.wait"]["input_schema"]["properties"]["seconds"]["maximum"] == 600
    schema = api.get("/api/schema")
    assert schema.status_code == 200 and b"/api/jobs/{id}/details" in schema.content
    assert api.get("/api/docs").status_code == 200
    assert api.get("/healthz").json() == {"status": "ok"}
    ready = api.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok", "broker": "ok"}


def test_an_explicit_plan_over_the_job_budget_is_refused(api):
    plan = {"tasks": [{"id": f"w{i}", "tool": "core.wait", "inputs": {"seconds": 0}} for i in range(3)]}
    response = post(api, {"goal": "g", "plan": plan, "budget": {"max_tasks": 2}})
    assert response.status_code == 400
    assert [p["code"] for p in response.json()["plan"]] == ["over_budget"]
    assert not Job.objects.exists()


def test_the_openapi_schema_documents_plans_with_the_validating_model(api):
    schema = api.get("/api/schema", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    plan_field = components["JobCreateRequest"]["properties"]["plan"]
    assert {"$ref": "#/components/schemas/Plan"} in [plan_field, *plan_field.get("allOf", [])]
    assert components["Plan"]["properties"]["tasks"]["items"]["$ref"] == "#/components/schemas/PlanTask"
    assert {"id", "tool", "inputs", "depends_on", "max_attempts", "timeout_s", "expected_output"} <= set(
        components["PlanTask"]["properties"]
    )
    assert schema["openapi"].startswith("3.1")


def test_details_never_claim_an_event_their_rows_do_not_show(api, monkeypatch):
    """A client applies only events newer than the details' last event; a move committed while the
    details are read must therefore be newer than that, or the page would keep a stale status."""
    from jobs.api import serializers
    from jobs.models import TaskStatus
    from jobs.transitions import move_task

    owner = user()
    api.force_authenticate(owner)
    job, [task] = job_with_plan(owner)
    shown = serializers.TaskSerializer.to_representation
    moved = []

    def move_while_reading(self, instance):
        if not moved:  # another worker moves the task just after its row was read
            moved.append(move_task(task, TaskStatus.READY))
        return shown(self, instance)

    monkeypatch.setattr(serializers.TaskSerializer, "to_representation", move_while_reading)
    details = api.get(f"/api/jobs/{job.pk}/details").json()
    assert moved and details["tasks"][0]["status"] == "pending"
    ready = job.events.get(type="task.ready").seq
    assert max(e["seq"] for e in details["recent_events"]) < ready
