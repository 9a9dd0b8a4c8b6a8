"""The heuristic planner: rule-based decomposition of common goal families into parallel DAGs.

A family is registered with ``register_family(name, matches, build)``: ``matches(goal, context)``
says whether the goal belongs to it and ``build(goal, context)`` returns a raw plan. A family
whose tools are not all in the live catalogue never matches. Families live one per module in
this package and are imported by ``planner.heuristic.families``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from planner.schema import Plan

Matcher = Callable[[str, Mapping[str, Any]], bool]
Builder = Callable[[str, Mapping[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Family:
    name: str
    matches: Matcher
    build: Builder
    tools: frozenset[str]


FAMILIES: list[Family] = []


def register_family(name: str, matches: Matcher, build: Builder, *, tools: set[str]) -> Family:
    family = Family(name, matches, build, frozenset(tools))
    FAMILIES[:] = [f for f in FAMILIES if f.name != name] + [family]
    return family


def match(
    goal: str, context: Mapping[str, Any], available: set[str], names: Collection[str] | None = None
) -> Family | None:
    """The first registered family (of ``names``, if given) that claims the goal and whose tools
    all exist."""
    from planner.heuristic import families  # noqa: F401 - registers the built-in families

    return next(
        (
            f
            for f in FAMILIES
            if (names is None or f.name in names) and f.tools <= available and f.matches(goal, context)
        ),
        None,
    )


def tools_used(raw: dict[str, Any]) -> set[str]:
    return {t.tool for t in Plan.model_validate(raw).tasks}
