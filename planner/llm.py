"""The LLM planner: a prompt built from the live tool catalogue, structured output with the plan's
JSON Schema, and a repair loop that sends the problems back."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from planner.schema import Plan
from planner.validate import PlanInvalid, Problem, validate_plan
from tools.errors import ErrorClass
from tools.llm.base import LLMError, LLMProvider, Message, Usage
from tools.spec import ToolSpec

PROMPTS = Path(__file__).resolve().parent / "prompts"
MAX_ECHO_CHARS = 8_000  # how much of a bad answer is sent back (and kept) for repair


@cache
def _templates() -> Environment:
    return Environment(loader=FileSystemLoader(PROMPTS), undefined=StrictUndefined, autoescape=False)


def render(name: str, **values: Any) -> str:
    return _templates().get_template(name).render(**values)


@dataclass(frozen=True)
class Attempt:
    """One answer of the model: what to keep as a plan version, and what was wrong with it."""

    raw: dict[str, Any]
    problems: list[Problem]
    usage: Usage | None


class PlanningFailed(Exception):
    def __init__(self, message: str, error_class: str) -> None:
        super().__init__(message)
        self.error_class = error_class


def _parse(text: str, data: Any) -> tuple[dict[str, Any], list[Problem]]:
    if isinstance(data, dict):
        return data, []
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        return {"unparsed": text[:MAX_ECHO_CHARS]}, [Problem("not_json", f"the answer is not JSON: {exc}")]
    if not isinstance(parsed, dict):
        return {"unparsed": text[:MAX_ECHO_CHARS]}, [Problem("schema", 'the answer must be an object {"tasks": [...]}')]
    return parsed, []


def _with(context_tasks: list[dict[str, Any]] | None, raw: dict[str, Any]) -> Any:
    """On replan the new tasks are validated together with the finished ones they may bind."""
    if not context_tasks or not isinstance(raw.get("tasks"), list):
        return raw
    done = {t["id"] for t in context_tasks}
    return {
        **raw,
        "tasks": context_tasks + [t for t in raw["tasks"] if not (isinstance(t, dict) and t.get("id") in done)],
    }


def plan_with_repairs(
    provider: LLMProvider,
    goal: str,
    context: Mapping[str, Any],
    catalogue: Mapping[str, ToolSpec],
    *,
    max_tasks: int,
    max_repairs: int,
    keep: Callable[[Attempt], None],
    user_prompt: str | None = None,
    context_tasks: list[dict[str, Any]] | None = None,
    budget: Mapping[str, Any] | None = None,
    estimates: Mapping[str, Mapping[str, float]] | None = None,
) -> tuple[dict[str, Any], Plan]:
    """Ask for a plan, validate it, and send the problems back up to ``max_repairs`` times.

    Every answer is handed to ``keep`` (the caller saves it as a plan version). Raises
    ``PlanInvalid`` with the last problems when no answer was valid, ``PlanningFailed`` when
    the provider itself failed.
    """
    tools = [spec.describe() for spec in catalogue.values()]
    messages = [
        Message("system", render("plan_system.md", tools=tools, max_tasks=max_tasks)),
        Message("user", user_prompt or render("plan_user.md", goal=goal, context=dict(context))),
    ]
    problems: list[Problem] = []
    for _ in range(max_repairs + 1):
        try:
            result = provider.complete(messages, json_schema=Plan.model_json_schema(), schema_name="plan")
        except LLMError as exc:
            if exc.error_class != ErrorClass.PERMANENT or "limit" not in exc.message:
                raise PlanningFailed(f"planner: {exc.message}", exc.error_class) from exc
            raw, problems, usage, text = (
                {"unparsed": "(reply over the size limit, not kept)"},
                [Problem("too_large", exc.message)],
                None,
                "",
            )
        else:
            raw, problems = _parse(result.text, result.data)
            usage, text = result.usage, result.text
            if not problems:
                try:
                    plan = validate_plan(
                        _with(context_tasks, raw), catalogue, max_tasks=max_tasks, budget=budget, estimates=estimates
                    )
                except PlanInvalid as invalid:
                    problems = invalid.problems
                else:
                    keep(Attempt(raw, [], usage))
                    return raw, plan
        keep(Attempt(raw, problems, usage))
        messages += [
            Message("assistant", text[:MAX_ECHO_CHARS]),
            Message("user", render("plan_repair.md", problems=problems)),
        ]
    raise PlanInvalid(problems)
