"""Pure graph helpers over ``{node: [parents]}`` maps."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def find_cycle(parents: Mapping[str, Iterable[str]]) -> list[str] | None:
    """One cycle as a list of nodes (first node repeated at the end), or ``None``."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(parents, WHITE)
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        colour[node] = GREY
        stack.append(node)
        for parent in parents.get(node, ()):
            if parent not in colour:
                continue
            if colour[parent] == GREY:
                return [*stack[stack.index(parent) :], parent][::-1]
            if colour[parent] == WHITE and (cycle := visit(parent)):
                return cycle
        stack.pop()
        colour[node] = BLACK
        return None

    for node in parents:
        if colour[node] == WHITE and (cycle := visit(node)):
            return cycle
    return None


def topological_order(parents: Mapping[str, Iterable[str]]) -> list[str]:
    """Kahn's order, stable on input order. Assumes no cycle and parents inside the map."""
    children: dict[str, list[str]] = {n: [] for n in parents}
    indegree = {n: 0 for n in parents}
    for node, ps in parents.items():
        for p in ps:
            children[p].append(node)
            indegree[node] += 1
    ready = [n for n in parents if indegree[n] == 0]
    order: list[str] = []
    while ready:
        node = ready.pop(0)
        order.append(node)
        for child in children[node]:
            indegree[child] -= 1
            if indegree[child] == 0:
                ready.append(child)
    return order


def ancestors(parents: Mapping[str, Iterable[str]]) -> dict[str, set[str]]:
    """Every node's transitive parents."""
    result: dict[str, set[str]] = {}
    for node in topological_order(parents):
        acc: set[str] = set()
        for p in parents[node]:
            acc.add(p)
            acc |= result[p]
        result[node] = acc
    return result


def heights(parents: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """For each node, how many nodes the longest path from it to the end holds (itself included):
    the static level that list schedulers rank ready work by, counted in tasks when durations
    are not known."""
    height: dict[str, int] = {}
    for node in reversed(topological_order(parents)):
        height.setdefault(node, 1)
        for parent in parents[node]:
            height[parent] = max(height.get(parent, 1), height[node] + 1)
    return height


def critical_path(parents: Mapping[str, Iterable[str]], weight: Mapping[str, float]) -> float:
    """Length of the longest weighted path."""
    finish: dict[str, float] = {}
    for node in topological_order(parents):
        finish[node] = weight.get(node, 0.0) + max((finish[p] for p in parents[node]), default=0.0)
    return max(finish.values(), default=0.0)
