"""Heuristic families turn common goals into valid, parallel plans; others fall back to mock."""

from __future__ import annotations

import pytest

from planner.eval.run import evaluate
from planner.heuristic import match, register_family
from planner.service import check, propose_offline
from tools.registry import catalogue


def test_every_goal_in_the_evaluation_set_plans_validly_and_as_expected():
    for mode in ("mock", "heuristic"):
        report = evaluate(mode)
        assert report["goals"] >= 20
        assert report["valid_rate"] == 1.0, [r for r in report["rows"] if not r["valid"]]
    heuristic = evaluate("heuristic")
    assert heuristic["meets_rate"] == 1.0, [r for r in heuristic["rows"] if not r["meets"]]


@pytest.mark.parametrize(
    ("goal", "context", "family"),
    [
        ("Tailor my resume to this job post", {"resume": "R", "job_post": "P"}, "resume-tailoring"),
        ("Tailor my resume to this job post", {}, None),  # no resume given: not this family
        ("Write an OpenAPI spec for a todo service", {}, "openapi-spec"),
        ("Say hello", {}, None),
    ],
)
def test_families_match_their_goals(goal, context, family):
    found = match(goal, context, set(catalogue()))
    assert (found.name if found else None) == family


def test_a_family_whose_tools_are_missing_never_matches():
    from planner.heuristic import FAMILIES

    register_family("needs-missing-tool", lambda g, c: True, lambda g, c: {}, tools={"nope.tool"})
    try:
        assert match("anything at all", {}, set(catalogue())) is None
        assert match("anything at all", {}, {*catalogue(), "nope.tool"}).name == "needs-missing-tool"
    finally:
        FAMILIES[:] = [f for f in FAMILIES if f.name != "needs-missing-tool"]


def test_the_tailoring_plan_uses_the_tailor_service_and_renders_both_documents():
    raw, source = propose_offline(
        "Tailor my resume to this job post", {"resume": "Jane, Acme 2019", "job_post": "Python"}, "heuristic"
    )
    assert source == "heuristic:resume-tailoring"
    tasks = {t.id: t for t in check(raw).tasks}
    assert tasks["tailor"].tool == "mcp.tailor.tailor_resume" and tasks["letter"].tool == "mcp.tailor.cover_letter"
    assert tasks["tailor"].inputs == {"resume": "Jane, Acme 2019", "job_description": "Python"}
    assert tasks["resume_files"].inputs["spec"] == {"$ref": "tailor.output.document"}
    assert tasks["letter_files"].inputs["formats"] == ["docx", "md"]


@pytest.mark.parametrize(
    ("goal", "context", "source", "tool"),
    [
        ("Tailor my resume to this job post", {"resume": "R", "job_post": "P"}, "mock:resume-tailoring", "mcp.tailor.tailor_resume"),
        ("Write an OpenAPI spec for a todo service", {}, "mock:openapi-spec", "openapi.generate"),
        ("Write a report on our Q3 incidents", {}, "mock", "core.render_markdown"),
    ],
)  # fmt: skip
def test_the_mock_planner_uses_the_dedicated_tools_for_their_goals_only(goal, context, source, tool):
    raw, used = propose_offline(goal, context, "mock")
    assert used == source
    assert tool in {t.tool for t in check(raw).tasks}


def test_without_the_tailor_service_the_llm_plan_invents_nothing_and_keeps_the_resume():
    context = {"resume": "Jane, Acme 2019", "job_post": "Python"}
    available = {name for name in catalogue() if not name.startswith("mcp.tailor.")}
    family = match("Tailor my resume to this job post", context, available)
    assert family is not None and family.name == "resume-tailoring-llm"
    plan = check(family.build("Tailor my resume to this job post", context))
    keep = next(t for t in plan.tasks if t.id == "resume")
    assert keep.inputs["content"] == "Jane, Acme 2019"
    assert {"tailored", "cover_letter"} <= {t.id for t in plan.tasks}
