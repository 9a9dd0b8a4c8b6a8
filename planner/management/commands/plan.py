"""``manage.py plan "goal" [--provider mock|heuristic|llm] [--json]``: show a plan without running it."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test import override_settings

from planner.dag import critical_path
from planner.eval.run import width
from planner.llm import PlanningFailed
from planner.schema import Plan, dependencies
from planner.service import make_plan
from planner.validate import PlanInvalid


class Command(BaseCommand):
    help = "Plan a goal and print the validated DAG (tree, critical path, width) without running it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("goal")
        parser.add_argument("--provider", choices=["mock", "heuristic", "llm"], help="planner (default: PLANNER_MODE)")
        parser.add_argument("--context", default="{}", help="context_json as a JSON object")
        parser.add_argument("--json", action="store_true", help="print the plan as JSON")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            context = json.loads(opts["context"])
        except json.JSONDecodeError as exc:
            raise CommandError(f"--context is not valid JSON: {exc}") from None
        overrides = {"PLANNER_MODE": opts["provider"]} if opts["provider"] else {}
        attempts: list[Any] = []
        try:
            with override_settings(**overrides):
                raw, plan = make_plan(opts["goal"], context, lambda attempt, source: attempts.append(source))
        except PlanInvalid as exc:
            for problem in exc.problems:
                self.stderr.write(f"  - {problem.message}")
            raise CommandError("no valid plan", returncode=2) from None
        except PlanningFailed as exc:
            raise CommandError(str(exc)) from None
        if opts["json"]:
            self.stdout.write(json.dumps(raw, indent=2))
            return
        self._tree(plan, attempts[-1] if attempts else "?")

    def _tree(self, plan: Plan, source: str) -> None:
        parents = {t.id: dependencies(t) for t in plan.tasks}
        children: dict[str, list[str]] = {t.id: [] for t in plan.tasks}
        for task_id, deps in parents.items():
            for dep in deps:
                children[dep].append(task_id)
        tools = {t.id: t.tool for t in plan.tasks}
        shown: set[str] = set()

        def show(task_id: str, depth: int) -> None:
            again = " (see above)" if task_id in shown else ""
            self.stdout.write(f"{'  ' * depth}- {task_id} [{tools[task_id]}]{again}")
            if not again:
                shown.add(task_id)
                for child in children[task_id]:
                    show(child, depth + 1)

        for root in (t for t, deps in parents.items() if not deps):
            show(root, 0)
        cp = critical_path(parents, dict.fromkeys(parents, 1.0))
        self.stdout.write(
            f"{len(parents)} tasks, critical path {cp:.0f} tasks, width {width(parents)} (planner: {source})"
        )
