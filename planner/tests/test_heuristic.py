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


def test_the_tailoring_plan_invents_nothing_and_keeps_the_resume():
    raw, source = propose_offline(
        "Tailor my resume to this job post", {"resume": "Jane, Acme 2019", "job_post": "Python"}, "heuristic"
    )
    assert source == "heuristic:resume-tailoring"
    plan = check(raw)
    keep = next(t for t in plan.tasks if t.id == "resume")
    assert keep.inputs["content"] == "Jane, Acme 2019"
    assert {"tailored", "cover_letter"} <= {t.id for t in plan.tasks}
