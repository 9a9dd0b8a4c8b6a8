"""Goal → validated plan. The planner is chosen by ``PLANNER_MODE`` (mock or llm)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings

from planner import heuristic
from planner.llm import Attempt, plan_with_repairs, render
from planner.mock import mock_plan
from planner.schema import Plan
from planner.validate import validate_plan
from tools.llm.providers import get_provider
from tools.registry import catalogue


def check(raw: object, budget: dict[str, Any] | None = None) -> Plan:
    """Validate a plan against the live tool catalogue, the plan limits and a job's budget
    (raises PlanInvalid)."""
    return validate_plan(
        raw, catalogue(), max_tasks=settings.AWE_MAX_PLAN_TASKS, budget=budget, estimates=settings.AWE_TOOL_ESTIMATES
    )


def make_plan(
    goal: str, context: dict[str, Any], keep: Callable[[Attempt, str], None], budget: dict[str, Any] | None = None
) -> tuple[dict[str, Any], Plan]:
    """Plan a goal; every attempt is handed to ``keep(attempt, source)`` to be saved as a version.

    Raises ``PlanInvalid`` when no valid plan came out, ``PlanningFailed`` when the LLM failed.
    """
    if settings.PLANNER_MODE == "llm":
        provider = get_provider()
        return plan_with_repairs(
            provider, goal, context, catalogue(), max_tasks=settings.AWE_MAX_PLAN_TASKS,
            max_repairs=settings.PLANNER_MAX_REPAIRS, keep=lambda attempt: keep(attempt, provider.name),
            budget=budget, estimates=settings.AWE_TOOL_ESTIMATES,
        )  # fmt: skip
    raw, source = propose_offline(goal, context, settings.PLANNER_MODE)
    plan = check(raw, budget)
    keep(Attempt(raw, [], None), source)
    return raw, plan


def replan_tasks(
    goal: str,
    context: dict[str, Any],
    *,
    finished: list[dict[str, Any]],
    outputs: dict[str, Any],
    failures: list[dict[str, Any]],
    instructions: str,
    current: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], str]:
    """Tasks for the unfinished part of a goal. Offline planners keep the current plan (the
    caller drops its finished tasks, so the unfinished part runs again); the LLM is shown what
    finished, its outputs and what failed, and plans the rest."""
    if settings.PLANNER_MODE != "llm":
        return current, "current plan"
    provider = get_provider()
    shown = [{**task, "output": outputs.get(task["id"])} for task in finished]
    raw, _ = plan_with_repairs(
        provider, goal, context, catalogue(), max_tasks=settings.AWE_MAX_PLAN_TASKS,
        max_repairs=settings.PLANNER_MAX_REPAIRS, keep=lambda attempt: None,
        user_prompt=render("replan_user.md", goal=goal, context=context, finished=shown, failures=failures,
                           instructions=instructions),
        context_tasks=finished,
    )  # fmt: skip
    return list(raw["tasks"]), provider.name


# Goals that only a dedicated tool does well (a service, a validating generator): the mock planner
# plans them like the heuristic one, so the default offline planner uses those tools too.
MOCK_FAMILIES = frozenset({"resume-tailoring", "openapi-spec"})


def propose_offline(goal: str, context: dict[str, Any], mode: str) -> tuple[dict[str, Any], str]:
    """The deterministic planners: a matching heuristic family (``heuristic``: any family;
    ``mock``: the tool-backed ones), else the generic mock plan."""
    family = heuristic.match(goal, context, set(catalogue()), names=None if mode == "heuristic" else MOCK_FAMILIES)
    if family is not None:
        return family.build(goal, context), f"{mode}:{family.name}"
    return mock_plan(goal, context), "mock"
