"""Goal → validated plan. The provider is chosen by ``PLANNER_MODE``."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from planner.mock import mock_plan
from planner.schema import Plan
from planner.validate import validate_plan
from tools.registry import catalogue


def propose(goal: str, context: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A raw plan for the goal and the name of the provider that made it."""
    return mock_plan(goal, context), "mock"


def check(raw: object) -> Plan:
    """Validate a plan against the live tool catalogue and the plan limits (raises PlanInvalid)."""
    return validate_plan(raw, catalogue(), max_tasks=settings.AWE_MAX_PLAN_TASKS)
