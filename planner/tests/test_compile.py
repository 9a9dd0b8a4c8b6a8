"""The compiled canvas makes a task wait for exactly its ancestors."""

from __future__ import annotations

from celery import Celery
from celery.canvas import _chain
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.compile import compile_dag, waits_for
from planner.dag import ancestors

app = Celery("compile-test")


@app.task(name="t.run")
def run(task_id: str) -> None:  # pragma: no cover - never executed
    return None


def make_sig(key: str):
    return run.si(key)


def exact(parents: dict[str, list[str]]) -> None:
    compiled = compile_dag(parents, make_sig)
    waits = waits_for(compiled.canvas)
    anc = ancestors({k: set(v) for k, v in parents.items()})
    assert set(waits) | compiled.advance == set(parents)
    assert not set(waits) & compiled.advance
    for task, waited in waits.items():
        assert waited == anc[task], (task, waited, anc[task])
        assert not anc[task] & compiled.advance


def test_a_chain_compiles_to_a_chain():
    compiled = compile_dag({"a": [], "b": ["a"], "c": ["b"]}, make_sig)
    assert isinstance(compiled.canvas, _chain)
    assert compiled.advance == set()
    exact({"a": [], "b": ["a"], "c": ["b"]})


def test_fan_out_fan_in_is_exact():
    exact({"a": [], "b": ["a"], "c": ["a"], "d": ["b", "c"], "e": []})


def test_an_n_shape_is_left_to_advance_without_false_dependencies():
    parents = {"a": [], "b": [], "c": ["a", "b"], "d": ["b"]}
    compiled = compile_dag(parents, make_sig)
    assert compiled.advance == {"a", "b", "c", "d"}
    exact(parents)


def test_only_what_follows_an_n_goes_to_advance():
    parents = {"s": [], "a": ["s"], "b": ["s"], "c": ["a", "b"], "d": ["b"], "z": ["c", "d"], "x": []}
    compiled = compile_dag(parents, make_sig)
    assert "s" not in compiled.advance and "x" not in compiled.advance
    assert {"a", "b", "c", "d", "z"} <= compiled.advance
    exact(parents)


@st.composite
def random_dags(draw):
    n = draw(st.integers(min_value=1, max_value=60))
    return {
        f"t{i}": [f"t{p}" for p in sorted(draw(st.sets(st.integers(0, i - 1), max_size=3)))] if i else []
        for i in range(n)
    }


@settings(max_examples=150, deadline=None)
@given(random_dags())
def test_random_dags_compile_exactly(parents):
    exact(parents)


@st.composite
def series_parallel(draw, depth=0):
    """Series-parallel DAGs built from their definition: they must need no advance at all."""
    counter = draw(st.shared(st.just([0]), key="n"))

    def leaf() -> tuple[dict[str, list[str]], list[str], list[str]]:
        counter[0] += 1
        key = f"n{counter[0]}"
        return {key: []}, [key], [key]

    if depth > 3 or draw(st.booleans()):
        return leaf()
    left = draw(series_parallel(depth=depth + 1))
    right = draw(series_parallel(depth=depth + 1))
    graph = {**left[0], **right[0]}
    if draw(st.booleans()):  # series: every sink of left before every source of right
        for src in right[1]:
            graph[src] = [*graph[src], *left[2]]
        return graph, left[1], right[2]
    return graph, left[1] + right[1], left[2] + right[2]


@settings(max_examples=100, deadline=None)
@given(series_parallel())
def test_series_parallel_dags_need_no_advance(sp):
    parents = sp[0]
    assert compile_dag(parents, make_sig).advance == set()
    exact(parents)
