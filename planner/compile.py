"""DAG → Celery canvas, exactly.

A plan's partial order is decomposed into series (``chain``) and parallel (``group``)
compositions. Orders that are series-parallel compile to one canvas with no false
dependency. A part that is not (an "N": a→c, b→c, b→d) cannot be written as a canvas
without adding or dropping a dependency, so it — and everything that must wait for it —
is left to *advance*: the executor dispatches those tasks from completion, as soon as their
own parents have succeeded.

Celery carries what follows a task in the task's own message (the rest of a chain, the body of a
chord), so a long job compiled whole sends messages that grow with the job. With ``max_carried``
a canvas ends at the series boundary where a message would carry more tasks than that; what
follows is *later*: compiled into a canvas of its own when its first tasks become ready.
``compile_dag`` returns all three parts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from celery import chord, group
from celery.canvas import Signature, _chain, _chord

from planner.dag import ancestors, heights, topological_order

MakeSig = Callable[[str], Signature]


@dataclass
class Compiled:
    canvas: Signature | None
    advance: set[str] = field(default_factory=set)
    later: set[str] = field(default_factory=set)


@dataclass
class _Part:
    """A compiled piece: its canvas as the steps of a series (none, one, or a chain's), the nodes
    left out of it, how many tasks it holds and how many the largest of its messages carries
    (its own task included). Series are kept as flat lists and made a canvas once, where they
    are used (``_series``)."""

    steps: list[Signature] = field(default_factory=list)
    advance: set[str] = field(default_factory=set)
    later: set[str] = field(default_factory=set)
    total: int = 0
    carried: int = 0

    @property
    def canvas(self) -> Signature | None:
        return _series(self.steps) if self.steps else None

    @property
    def complete(self) -> bool:
        return not (self.advance or self.later)


def _series(steps: Sequence[Signature]) -> Signature:
    """Steps run one after another, as Celery's ``chain(a, chain(b, ...))`` folds them: a group
    followed by anything becomes a chord whose body is everything after it. Built from the end,
    without ``chain()``'s folding, which copies what it appends (quadratic in a long series) and
    leaves a group followed by a chord as two steps, whose chord Celery then fires once per
    header task."""
    after: list[Signature] = []  # the canvas of the steps seen so far, in order
    for step in reversed(steps):
        if isinstance(step, group) and after:
            after = [chord(step, body=after[0] if len(after) == 1 else _chain(after))]
        else:
            after.insert(0, step)
    return after[0] if len(after) == 1 else _chain(after)


def _later(nodes: Sequence[str]) -> _Part:
    return _Part(later=set(nodes))


def _components(nodes: Sequence[str], parents: Mapping[str, set[str]]) -> list[list[str]]:
    """Weakly connected components, each in the input (topological) order."""
    index = {n: i for i, n in enumerate(nodes)}
    root = list(range(len(nodes)))

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    for n in nodes:
        for p in parents[n]:
            if p in index:
                root[find(index[n])] = find(index[p])
    groups: dict[int, list[str]] = {}
    for n in nodes:
        groups.setdefault(find(index[n]), []).append(n)
    return list(groups.values())


def _series_split(nodes: Sequence[str], anc: Mapping[str, set[str]]) -> int | None:
    """Smallest k such that every node of nodes[:k] is an ancestor of every node of nodes[k:]."""
    for k in range(1, len(nodes)):
        prefix = set(nodes[:k])
        if all(prefix <= anc[n] for n in nodes[k:]):
            return k
    return None


def _compile(nodes: Sequence[str], ctx: _Context, budget: int | None) -> _Part:
    """Compile ``nodes`` into at most ``budget`` canvas tasks (any number when None); a message
    never carries more than ``ctx.max_carried``."""
    if budget is not None and budget < 1:
        return _later(nodes)
    if len(nodes) == 1:
        return _Part([ctx.make_sig(nodes[0])], total=1, carried=1)
    components = _components(nodes, ctx.parents)
    if len(components) > 1:
        # Longest branch first: a group's messages go out, and are taken, in order, so the
        # branch with the most tasks ahead of it starts first when workers are short.
        components.sort(key=lambda c: -max(ctx.height[n] for n in c))
        parts = [_compile(c, ctx, None) for c in components]
        if budget is not None and sum(p.total for p in parts) > budget:
            return _later(nodes)  # a parallel block is carried whole or not at all
        sigs = [sig for sig in (p.canvas for p in parts) if sig is not None]
        return _Part(
            [group(sigs)] if len(sigs) > 1 else sigs,
            advance=set().union(*(p.advance for p in parts)),
            later=set().union(*(p.later for p in parts)),
            total=sum(p.total for p in parts),
            carried=max(p.carried for p in parts),
        )
    k = _series_split(nodes, ctx.anc)
    if k is None:
        # Connected but not series-parallel: dispatched from completion.
        return _Part(advance=set(nodes))
    head = _compile(nodes[:k], ctx, budget)
    if not head.steps and not head.advance:
        return _later(nodes)
    if head.advance:  # what follows must wait for tasks outside the canvas
        return _Part(head.steps, head.advance | set(nodes[k:]), head.later, head.total, head.carried)
    if head.later:
        return _Part(head.steps, later=head.later | set(nodes[k:]), total=head.total, carried=head.carried)
    # Every message of the head carries the whole tail.
    room = None if ctx.max_carried is None else ctx.max_carried - head.carried
    if budget is not None:
        room = budget - head.total if room is None else min(room, budget - head.total)
    tail = _compile(nodes[k:], ctx, room)
    return _Part(
        head.steps + tail.steps,
        tail.advance,
        tail.later,
        head.total + tail.total,
        head.carried + tail.total,
    )


@dataclass(frozen=True)
class _Context:
    parents: Mapping[str, set[str]]
    anc: Mapping[str, set[str]]
    make_sig: MakeSig
    max_carried: int | None
    height: Mapping[str, int]  # tasks on the longest path from a node to the end, itself included


def compile_dag(parents: Mapping[str, Sequence[str]], make_sig: MakeSig, max_carried: int | None = None) -> Compiled:
    """Compile ``{task: [parents]}`` (parents outside the map count as done) into a canvas whose
    messages carry at most ``max_carried`` tasks each (no bound when None)."""
    graph = {n: {p for p in ps if p in parents} for n, ps in parents.items()}
    if not graph:
        return Compiled(None)
    order = topological_order(graph)
    part = _compile(order, _Context(graph, ancestors(graph), make_sig, max_carried, heights(graph)), None)
    return Compiled(part.canvas, part.advance, part.later)


def waits_for(canvas: Any) -> dict[str, set[str]]:
    """For each task id in a compiled canvas, the task ids it cannot start before.

    Used by tests to check exactness; reads immutable ``run_task.si(id)`` signatures.
    """

    def walk(node: Any) -> tuple[list[str], dict[str, set[str]]]:
        if isinstance(node, _chain):
            done: list[str] = []
            waits: dict[str, set[str]] = {}
            for child in node.tasks:
                ids, child_waits = walk(child)
                for task_id in ids:
                    waits[task_id] = set(done) | child_waits.get(task_id, set())
                done += ids
            return done, waits
        if isinstance(node, group | list | tuple):
            ids_all: list[str] = []
            waits = {}
            for child in node.tasks if isinstance(node, group) else node:
                ids, child_waits = walk(child)
                ids_all += ids
                waits.update(child_waits)
            return ids_all, waits
        if isinstance(node, _chord):
            head_ids, head_waits = walk(node.tasks)
            body_ids, body_waits = walk(node.body)
            waits = dict(head_waits)
            for task_id in body_ids:
                waits[task_id] = set(head_ids) | body_waits.get(task_id, set())
            return head_ids + body_ids, waits
        task_id = str(node.args[0])
        return [task_id], {task_id: set()}

    return walk(canvas)[1] if canvas is not None else {}
