"""Plan validation returns every problem at once, each naming the task and field."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.dag import critical_path, find_cycle, topological_order
from planner.validate import PlanInvalid, validate_plan
from tools.registry import catalogue


def check(plan: object, max_tasks: int = 50):
    return validate_plan(plan, catalogue(), max_tasks=max_tasks)


def problems(plan: object, max_tasks: int = 50) -> list[dict]:
    with pytest.raises(PlanInvalid) as info:
        check(plan, max_tasks)
    return [p.as_dict() for p in info.value.problems]


def write(task_id: str, path: str = "x.md", **extra):
    return {"id": task_id, "tool": "core.write_file", "inputs": {"path": path, "content": "hi"}, **extra}


def test_a_valid_plan_with_refs_passes():
    plan = check(
        {
            "tasks": [
                write("a"),
                {"id": "b", "tool": "core.read_file", "inputs": {"path": {"$ref": "a.output.path"}}},
            ]
        }
    )
    assert [t.id for t in plan.tasks] == ["a", "b"]


def test_every_problem_is_reported_at_once():
    found = problems(
        {
            "tasks": [
                write("a"),
                write("a"),
                {"id": "b", "tool": "no.such_tool", "inputs": {}},
                {"id": "c", "tool": "core.wait", "inputs": {"seconds": 9999}},
                {"id": "d", "tool": "core.read_file", "inputs": {"path": {"$ref": "zzz.output.path"}}},
                {"id": "e", "tool": "core.read_file", "inputs": {"path": {"$ref": "a.output.nope"}}},
                {"id": "f", "tool": "core.read_file", "inputs": {"path": "p"}, "depends_on": ["ghost", "f"]},
            ]
        }
    )
    codes = {p["code"] for p in found}
    assert codes >= {
        "duplicate_id",
        "unknown_tool",
        "bad_input",
        "unknown_ref",
        "unknown_output",
        "unknown_dependency",
        "self_dependency",
    }
    bad_input = next(p for p in found if p["code"] == "bad_input")
    assert bad_input["task"] == "c" and "seconds" in bad_input["message"]


def test_a_ref_of_the_wrong_type_is_rejected():
    found = problems(
        {"tasks": [write("a"), {"id": "b", "tool": "core.read_file", "inputs": {"path": {"$ref": "a.output.bytes"}}}]}
    )
    assert [p["code"] for p in found] == ["bad_input"]
    assert "path" in found[0]["message"]


def test_a_cycle_is_named():
    found = problems(
        {
            "tasks": [
                {**write("a"), "depends_on": ["c"]},
                {**write("b"), "depends_on": ["a"]},
                {**write("c"), "depends_on": ["b"]},
            ]
        }
    )
    [cycle] = [p for p in found if p["code"] == "cycle"]
    assert "a" in cycle["message"] and "b" in cycle["message"] and "c" in cycle["message"]


def test_schema_errors_name_the_place():
    found = problems({"tasks": [{"id": "1bad id", "tool": "core.wait"}], "extra": 1})
    assert {p["code"] for p in found} == {"schema"}
    assert any("extra" in p["message"] for p in found)
    assert problems({"tasks": []})[0]["code"] == "schema"
    assert problems("not a plan")[0]["code"] == "schema"


def test_too_many_tasks_is_rejected():
    plan = {"tasks": [write(f"t{i}", f"{i}.md") for i in range(5)]}
    assert [p["code"] for p in problems(plan, max_tasks=4)] == ["too_many_tasks"]


def test_malformed_refs_are_rejected():
    found = problems(
        {"tasks": [write("a"), {"id": "b", "tool": "core.read_file", "inputs": {"path": {"$ref": "a.path"}}}]}
    )
    assert "bad_ref" in {p["code"] for p in found}


@st.composite
def random_dags(draw):
    n = draw(st.integers(min_value=1, max_value=25))
    edges = {
        i: sorted(draw(st.sets(st.integers(min_value=0, max_value=i - 1), max_size=3))) if i else [] for i in range(n)
    }
    return n, edges


def plan_of(n: int, edges: dict[int, list[int]]) -> dict:
    return {"tasks": [write(f"t{i}", f"f{i}.md", depends_on=[f"t{p}" for p in edges[i]]) for i in range(n)]}


@settings(max_examples=60, deadline=None)
@given(random_dags())
def test_random_dags_are_valid(dag):
    n, edges = dag
    assert len(check(plan_of(n, edges), max_tasks=100).tasks) == n


@settings(max_examples=60, deadline=None)
@given(random_dags(), st.data())
def test_a_back_edge_makes_a_named_cycle(dag, data):
    n, edges = dag
    pairs = [(child, parent) for child, parents in edges.items() for parent in parents]
    if not pairs:
        return
    child, parent = data.draw(st.sampled_from(pairs))
    plan = plan_of(n, edges)
    plan["tasks"][parent]["depends_on"].append(f"t{child}")
    [cycle] = [p for p in problems(plan, 100) if p["code"] == "cycle"]
    named = cycle["message"].split(": ", 1)[1].split(" -> ")
    assert named[0] == named[-1]
    by_id = {t["id"]: t for t in plan["tasks"]}
    for upstream, downstream in itertools.pairwise(named):
        assert upstream in by_id[downstream]["depends_on"]


@settings(max_examples=40, deadline=None)
@given(random_dags(), st.data())
def test_a_corrupted_ref_is_reported(dag, data):
    n, edges = dag
    plan = plan_of(n, edges)
    victim = data.draw(st.integers(min_value=0, max_value=n - 1))
    plan["tasks"][victim]["inputs"]["content"] = {"$ref": "ghost.output.content"}
    assert "unknown_ref" in {p["code"] for p in problems(plan, 100)}


def test_graph_helpers():
    parents = {"a": [], "b": ["a"], "c": ["a"], "d": ["b", "c"]}
    assert topological_order(parents) == ["a", "b", "c", "d"]
    assert find_cycle(parents) is None
    assert critical_path(parents, {"a": 1, "b": 5, "c": 2, "d": 1}) == 7
    assert find_cycle({"x": ["y"], "y": ["x"]}) in (["x", "y", "x"], ["y", "x", "y"])


def test_a_plan_over_the_job_budget_is_rejected_before_it_runs():
    from planner.validate import budget_problems

    plan = check({"tasks": [{"id": f"t{i}", "tool": "llm.generate_text", "inputs": {"prompt": "p"}} for i in range(3)]})
    estimates = {"llm.generate_text": {"tokens": 1000, "cost_usd": 0.01}}
    assert budget_problems(plan, {}, estimates) == []
    found = budget_problems(plan, {"max_tasks": 2, "max_tokens": 2500, "max_cost_usd": 0.02}, estimates)
    assert [p.code for p in found] == ["over_budget"] * 3
    assert "3 tasks" in found[0].message and "3000 tokens" in found[1].message


def test_values_the_database_cannot_store_are_refused_with_their_place():
    """A NUL character (PostgreSQL stores none) or a NaN (JSON has none; json.loads, which reads an
    LLM's plan or a plan file, accepts it)."""
    plan = {
        "tasks": [write("a"), {**write("b"), "inputs": {"path": "x.md", "content": "a\x00b"}}],
        "n\x00te": float("nan"),
    }
    found = problems(plan)
    assert [(p["code"], p["task"], p["field"]) for p in found] == [
        ("unstorable", "tasks[1]", "inputs.content"),
        ("unstorable", None, None),
        ("unstorable", None, None),
    ]
    assert [p["message"] for p in found] == [
        "tasks[1].inputs.content: holds a NUL character (\\u0000), which cannot be stored",
        "n\\u0000te: the key holds a NUL character (\\u0000), which cannot be stored",
        "n\\u0000te: is nan, which JSON cannot carry",
    ]
