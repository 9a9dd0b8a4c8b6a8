"""The whole path, for real: API → planner → Celery worker subprocess → tools → artifacts → events,
on the embedded footprint and on PostgreSQL + Redis."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

SEED_GOAL = {"goal": "Generate an implementation checklist and artifact summary", "context_json": {}, "priority": 1}


def test_seed_goal_succeeds_with_a_markdown_artifact(stack):
    job = stack.submit(SEED_GOAL)
    done = stack.wait(job["id"])
    assert done["status"] == "succeeded", stack.logs()

    details = stack.get(f"/api/jobs/{job['id']}/details").json()
    assert {t["status"] for t in details["tasks"]} == {"succeeded"}
    assert len(details["tasks"]) >= 4
    [artifact] = [a for a in details["artifacts"] if a["name"] == "summary.md"]
    body = stack.get(artifact["download_url"])
    assert body.status_code == 200
    assert body.headers["Content-Type"].startswith("text/markdown")
    assert body.text.startswith("# Generate an implementation checklist and artifact summary")
    assert "Implementation checklist" in body.text

    types = [e["type"] for e in details["recent_events"]]
    assert types[0] == "job.created" and types[-1] == "job.succeeded"
    assert [e["seq"] for e in details["recent_events"]] == list(range(1, len(types) + 1))
