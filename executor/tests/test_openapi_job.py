"""An OpenAPI goal, end to end on the embedded footprint: the default (mock) planner plans it with
openapi.generate like the heuristic one, a real worker runs it, and openapi.yaml is an artifact
that validates."""

from __future__ import annotations

import pytest
import yaml

from tools.openapi.check import errors

pytestmark = pytest.mark.integration


def test_the_default_planner_writes_a_valid_openapi_spec_for_a_todo_service(stack_factory):
    stack = stack_factory("embedded")  # PLANNER_MODE=mock
    stack.start_web()
    stack.start_worker()
    job = stack.submit({"goal": "Write an OpenAPI spec for a todo service"})
    assert stack.wait(job["id"])["status"] == "succeeded", stack.logs()

    details = stack.get(f"/api/jobs/{job['id']}/details").json()
    assert details["plan"]["source"] == "mock:openapi-spec"
    assert "openapi.generate" in {t["tool"] for t in details["tasks"]}
    artifacts = {a["name"]: a for a in details["artifacts"]}
    assert {"openapi.yaml", "openapi-summary.md", "api-design.md"} <= set(artifacts)

    body = stack.get(artifacts["openapi.yaml"]["download_url"])
    assert body.status_code == 200 and body.headers["Content-Type"].startswith("application/yaml")
    spec = yaml.safe_load(body.text)
    assert errors(spec) == []
    assert {"/todos", "/todos/{todoId}"} <= set(spec["paths"])

    design = stack.get(artifacts["api-design.md"]["download_url"]).text
    assert design.startswith("# Write an OpenAPI spec for a todo service\n")
    assert "| DELETE | `/todos/{todoId}` | Delete a todo |" in design and "## Security" in design
