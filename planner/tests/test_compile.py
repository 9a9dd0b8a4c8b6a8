"""The compiled canvas makes a task wait for exactly its ancestors."""

from __future__ import annotations

from celery import Celery, group
from celery.canvas import _chain, _chord
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.compile import compile_dag, waits_for
from planner.dag import ancestors, heights

app = Celery("compile-test")


@app.task(name="t.run")
def run(task_id: str) -> None:  # pragma: no cover - never executed
    return None


def make_sig(key: str):
    return run.si(key)


def exact(parents: dict[str, list[str]], max_carried: int | None = None) -> set[str]:
    """Compile and check the canvas: a task waits for exactly its ancestors, none of them left
    to advance or later, and no message carries more than ``max_carried`` tasks. Returns the
    tasks left for later."""
    compiled = compile_dag(parents, make_sig, max_carried)
    waits = waits_for(compiled.canvas)
    anc = ancestors({k: {p for p in v if p in parents} for k, v in parents.items()})
    left = compiled.advance | compiled.later
    assert set(waits) | left == set(parents)
    assert not set(waits) & left and not compiled.advance & compiled.later
    for task, waited in waits.items():
        assert waited == anc[task], (task, waited, anc[task])
        assert not anc[task] & left
        if max_carried is not None:  # its message carries the tasks that wait for it
            assert 1 + sum(task in w for w in waits.values()) <= max_carried
    return compiled.later


def segments(parents: dict[str, list[str]], max_carried: int) -> int:
    """Run the plan as the executor does, segment by segment: when a segment has run, what it
    left for later is compiled next (its parents outside count as done). Returns how many."""
    rounds, remaining = 0, dict(parents)
    while remaining:
        later = exact(remaining, max_carried)
        assert len(later) < len(remaining)  # every segment runs something
        remaining = {k: v for k, v in remaining.items() if k in later}
        rounds += 1
    return rounds


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


def test_a_long_chain_is_sent_in_segments_of_bounded_messages():
    parents = {f"n{i}": [f"n{i - 1}"] if i else [] for i in range(100)}
    compiled = compile_dag(parents, make_sig, max_carried=32)
    assert isinstance(compiled.canvas, _chain) and len(compiled.canvas.tasks) == 32
    assert compiled.later == {f"n{i}" for i in range(32, 100)}
    assert segments(parents, 32) == 4


def test_a_wide_group_is_never_cut():
    parents = {f"n{i}": [] for i in range(500)}
    compiled = compile_dag(parents, make_sig, max_carried=8)
    assert compiled.later == set() and len(compiled.canvas.tasks) == 500


def test_a_wide_block_that_a_message_cannot_carry_starts_a_segment():
    parents = {"s": [], **{f"w{i}": ["s"] for i in range(20)}, "join": [f"w{i}" for i in range(20)]}
    compiled = compile_dag(parents, make_sig, max_carried=8)
    assert compiled.later == {*(f"w{i}" for i in range(20)), "join"}  # s would carry all 21
    assert segments(parents, 8) == 2  # then a chord: each w carries only the join


def ends_in_parallel(node: object) -> bool:
    if isinstance(node, group):
        return True
    if isinstance(node, _chord):
        return ends_in_parallel(node.body)
    return isinstance(node, _chain) and ends_in_parallel(node.tasks[-1])


def parallel_steps_followed_in_a_chain(canvas: object) -> list[object]:
    """Chain steps that end in a group (a group, or a chord whose body does) and have a step
    after them. Celery links what follows to every member of such a group, so the next step —
    a chord's body, a chained task — would run once per member."""
    found: list[object] = []

    def walk(node: object) -> None:
        if isinstance(node, _chain):
            found.extend(step for step in node.tasks[:-1] if ends_in_parallel(step))
            for step in node.tasks:
                walk(step)
        elif isinstance(node, group):
            for child in node.tasks:
                walk(child)
        elif isinstance(node, _chord):
            walk(node.tasks)
            walk(node.body)

    walk(canvas)
    return found


def test_stages_of_parallel_chains_become_nested_chords():
    stage1 = {"a1": [], "a2": ["a1"], "b1": []}
    stage2 = {"c1": ["a2", "b1"], "c2": ["c1"], "d1": ["a2", "b1"]}
    stage3 = {"g1": ["c2", "d1"], "g2": ["c2", "d1"]}
    stage4 = {"e": ["g1", "g2"], "f": ["e"]}
    parents = {**stage1, **stage2, **stage3, **stage4}
    compiled = compile_dag(parents, make_sig)
    assert isinstance(compiled.canvas, _chord) and parallel_steps_followed_in_a_chain(compiled.canvas) == []
    exact(parents)


def first_task(node) -> str:
    while not hasattr(node, "args") or not node.args:
        node = node.tasks[0] if isinstance(node, group | _chain | _chord) else node[0]
    return str(node.args[0])


def groups_in(canvas) -> list[group]:
    found: list[group] = []

    def walk(node) -> None:
        if isinstance(node, group):
            found.append(node)
        if isinstance(node, _chord):
            walk(node.tasks)
            walk(node.body)
        elif isinstance(node, group | _chain):
            for child in node.tasks:
                walk(child)

    walk(canvas)
    return found


def test_the_longest_branch_of_a_group_is_sent_first():
    parents = {"short": [], "long1": [], "long2": ["long1"], "long3": ["long2"], "mid1": [], "mid2": ["mid1"]}
    compiled = compile_dag(parents, make_sig)
    assert isinstance(compiled.canvas, group)
    assert [first_task(branch) for branch in compiled.canvas.tasks] == ["long1", "mid1", "short"]


def test_heights_count_the_tasks_of_the_longest_path_to_the_end():
    graph = {"a": set(), "b": {"a"}, "c": {"a"}, "d": {"c"}, "e": set()}
    assert heights(graph) == {"a": 3, "b": 1, "c": 2, "d": 1, "e": 1}


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
    canvas = compile_dag(parents, make_sig).canvas
    assert parallel_steps_followed_in_a_chain(canvas) == []
    graph = {k: set(v) for k, v in parents.items()}
    height = heights(graph)
    for block in groups_in(canvas):  # branches in order of the longest path ahead of them
        ahead = [height[first_task(branch)] for branch in block.tasks]
        assert ahead == sorted(ahead, reverse=True)


@settings(max_examples=150, deadline=None)
@given(random_dags(), st.integers(min_value=1, max_value=12))
def test_random_dags_run_exactly_in_bounded_segments(parents, max_carried):
    segments(parents, max_carried)


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
    compiled = compile_dag(parents, make_sig)
    assert compiled.advance == set() and parallel_steps_followed_in_a_chain(compiled.canvas) == []
    exact(parents)
    assert compile_dag(parents, make_sig, max_carried=4).advance == set()  # cut, never advance
    segments(parents, 4)
