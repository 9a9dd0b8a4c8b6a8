"""Jobs planned by an LLM: through the API, a worker and the real SDK to a local server."""

from __future__ import annotations

import json

import pytest

from planner.tests.openai_stub import completion, openai_stub
from planner.tests.test_llm_planner import CYCLE, GOOD

pytestmark = pytest.mark.integration


def llm_stack(stack_factory, url, **env):
    stack = stack_factory(
        "embedded", PLANNER_MODE="llm", LLM_PROVIDER="openai", OPENAI_BASE_URL=url, OPENAI_API_KEY="sk-test",
        OPENAI_MAX_RETRIES="0", PLANNER_MAX_REPAIRS="1", **env,
    )  # fmt: skip
    stack.start_web()
    stack.start_worker()
    return stack


def test_an_llm_plan_runs_after_one_repair(stack_factory):
    with openai_stub([completion("not json"), completion(json.dumps(GOOD))]) as stub:
        stack = llm_stack(stack_factory, stub.url)
        job = stack.submit({"goal": "Write a note and read it back"})
        assert stack.wait(job["id"])["status"] == "succeeded", stack.logs()
    details = stack.get(f"/api/jobs/{job['id']}/details").json()
    assert details["plan"]["version"] == 2 and details["plan"]["source"] == "openai"
    types = [e["type"] for e in details["recent_events"]]
    assert types.index("plan.rejected") < types.index("plan.created")
    created = next(e for e in details["recent_events"] if e["type"] == "plan.created")
    assert created["payload"]["usage"]["tokens_in"] == 100
    assert details["usage"] == {"calls": 2, "tokens_in": 200, "tokens_out": 100, "tokens": 300, "cost_usd": 0.0}


def test_a_plan_still_invalid_fails_the_job_with_the_reasons(stack_factory):
    with openai_stub([completion(json.dumps(CYCLE))] * 2) as stub:
        stack = llm_stack(stack_factory, stub.url)
        job = stack.submit({"goal": "Loop forever"})
        done = stack.wait(job["id"])
    assert done["status"] == "failed"
    assert "cycle" in done["error"] and "2 attempt" in done["error"]
    rejected = [
        e for e in stack.get(f"/api/jobs/{job['id']}/details").json()["recent_events"] if e["type"] == "plan.rejected"
    ]
    assert [e["payload"]["version"] for e in rejected] == [1, 2]


def test_a_plan_holding_what_no_row_can_store_is_refused_and_kept_readable(stack_factory):
    """json.loads reads an LLM's NaN and "\\u0000"; the database stores neither (not even SQLite)."""
    answer = '{"tasks": [{"id": "a", "tool": "core.wait", "inputs": {"seconds": NaN}}], "note": "a\\u0000b"}'
    with openai_stub([completion(answer)] * 2) as stub:
        stack = llm_stack(stack_factory, stub.url)
        job = stack.submit({"goal": "Wait a while"})
        done = stack.wait(job["id"])
    assert done["status"] == "failed", stack.logs()
    assert "tasks[0].inputs.seconds: is nan, which JSON cannot carry" in done["error"]
    plans = stack.get(f"/api/jobs/{job['id']}/details").json()["plans"]
    assert [(p["version"], p["valid"]) for p in plans] == [(1, False), (2, False)]
    assert plans[0]["dag"]["tasks"][0]["inputs"]["seconds"] == "nan" and plans[0]["dag"]["note"] == "a\ufffdb"
    assert [p["code"] for p in plans[0]["problems"]] == ["unstorable", "unstorable"]


def test_planning_that_runs_past_its_time_limit_fails_the_job(stack_factory):
    """Celery's soft time limit on plan_job (AWE_PLANNING_TIMEOUT_S) stops an LLM call that hangs."""
    with openai_stub([{"hang": 6, **completion(json.dumps(GOOD))}]) as stub:
        stack = llm_stack(stack_factory, stub.url, AWE_PLANNING_TIMEOUT_S="1", OPENAI_TIMEOUT_S="30")
        job = stack.submit({"goal": "Write a note and read it back"})
        done = stack.wait(job["id"])
    assert done["status"] == "failed", stack.logs()
    assert done["error"] == "planning took longer than AWE_PLANNING_TIMEOUT_S=1 s", done["error"]


def test_without_the_tailor_service_the_heuristic_planner_tailors_a_resume_with_llm_steps(stack_factory):
    stack = stack_factory("embedded", PLANNER_MODE="heuristic", AWE_MCP_SERVERS="[]")
    stack.start_web()
    stack.start_worker()
    context = {
        "resume": "Jane Doe. Python engineer at Acme, 2019-2024.",
        "job_post": "Senior Python engineer: Django, Celery.",
    }
    job = stack.submit({"goal": "Tailor my resume to this job post", "context_json": context})
    assert stack.wait(job["id"])["status"] == "succeeded", stack.logs()
    details = stack.get(f"/api/jobs/{job['id']}/details").json()
    assert details["plan"]["source"] == "heuristic:resume-tailoring-llm"
    [artifact] = [a for a in details["artifacts"] if a["name"] == "application.md"]
    text = stack.get(artifact["download_url"]).text
    assert text.startswith("# Tailored application") and "## Cover letter" in text


def test_planning_stops_when_the_job_budget_is_spent(stack_factory):
    with openai_stub([completion("not json"), completion(json.dumps(GOOD))]) as stub:
        stack = llm_stack(stack_factory, stub.url)
        job = stack.submit({"goal": "Write a note", "budget": {"max_tokens": 120}})
        done = stack.wait(job["id"])
    assert done["status"] == "failed" and done["error"].startswith("budget: 150 tokens used")
    assert len(stub.requests) == 1  # stopped before asking again


def test_llm_tools_stop_when_the_job_budget_is_spent(stack_factory):
    answers = [completion("first answer", 100, 50), completion("second answer", 100, 50)]
    with openai_stub(answers) as stub:
        stack = stack_factory(
            "embedded", WORKER_MODE="llm", LLM_PROVIDER="openai", OPENAI_BASE_URL=stub.url, OPENAI_API_KEY="sk-test",
            OPENAI_MAX_RETRIES="0", AWE_TOOL_ESTIMATES="{}",
        )  # fmt: skip
        stack.start_web()
        stack.start_worker()
        plan = {
            "tasks": [
                {"id": "one", "tool": "llm.generate_text", "inputs": {"prompt": "first"}},
                {"id": "two", "tool": "llm.generate_text", "inputs": {"prompt": "second"}, "depends_on": ["one"]},
            ]
        }
        job = stack.submit({"goal": "spend", "plan": plan, "budget": {"max_tokens": 200}})
        done = stack.wait(job["id"])
    assert done["status"] == "failed" and "budget: 300 tokens used" in done["error"]
    tasks = {t["id"]: t for t in stack.get(f"/api/jobs/{job['id']}/tasks").json()}
    assert tasks["one"]["status"] == "succeeded"
    assert (
        tasks["two"]["status"] == "failed" and tasks["two"]["error_class"] == "budget" and tasks["two"]["attempts"] == 1
    )
    assert stack.get(f"/api/jobs/{job['id']}/details").json()["usage"]["calls"] == 2
