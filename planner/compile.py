"""DAG → Celery canvas, exactly.

A plan's partial order is decomposed into series (``chain``) and parallel (``group``)
compositions. Orders that are series-parallel compile to one canvas with no false
dependency. A part that is not (an "N": a→c, b→c, b→d) cannot be written as a canvas
without adding or dropping a dependency, so it — and everything that must wait for it —
is left to *advance*: the executor dispatches those tasks from completion, as soon as their
own parents have succeeded. ``compile_dag`` returns both parts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from celery import chain, group
from celery.canvas import Signature, _chain, _chord

from planner.dag import ancestors, topological_order

MakeSig = Callable[[str], Signature]


@dataclass
class Compiled:
    canvas: Signature | None
    advance: set[str] = field(default_factory=set)


@dataclass
class _Part:
    """A compiled piece: its canvas (if any) and whether every node of it is in the canvas."""

    canvas: Signature | None
    advance: set[str]

    @property
    def complete(self) -> bool:
        return not self.advance


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


def _compile(
    nodes: Sequence[str], parents: Mapping[str, set[str]], anc: Mapping[str, set[str]], make_sig: MakeSig
) -> _Part:
    if len(nodes) == 1:
        return _Part(make_sig(nodes[0]), set())
    components = _components(nodes, parents)
    if len(components) > 1:
        parts = [_compile(c, parents, anc, make_sig) for c in components]
        sigs = [p.canvas for p in parts if p.canvas is not None]
        canvas = group(sigs) if len(sigs) > 1 else (sigs[0] if sigs else None)
        return _Part(canvas, set().union(*(p.advance for p in parts)))
    k = _series_split(nodes, anc)
    if k is None:
        # Connected but not series-parallel: dispatched from completion.
        return _Part(None, set(nodes))
    head = _compile(nodes[:k], parents, anc, make_sig)
    if not head.complete:
        # What follows must wait for tasks outside the canvas.
        return _Part(head.canvas, head.advance | set(nodes[k:]))
    tail = _compile(nodes[k:], parents, anc, make_sig)
    sigs = [s for s in (head.canvas, tail.canvas) if s is not None]
    return _Part(chain(*sigs) if len(sigs) > 1 else sigs[0], tail.advance)


def compile_dag(parents: Mapping[str, Sequence[str]], make_sig: MakeSig) -> Compiled:
    """Compile ``{task: [parents]}`` (parents outside the map count as done) into a canvas."""
    graph = {n: {p for p in ps if p in parents} for n, ps in parents.items()}
    if not graph:
        return Compiled(None, set())
    order = topological_order(graph)
    part = _compile(order, graph, ancestors(graph), make_sig)
    return Compiled(part.canvas, part.advance)


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
