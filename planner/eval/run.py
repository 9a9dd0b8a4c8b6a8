"""Planner evaluation: valid-plan rate, parallel width and critical path per provider."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from planner.dag import ancestors, critical_path
from planner.schema import dependencies
from planner.service import check, propose_offline
from planner.validate import PlanInvalid

GOALS = Path(__file__).resolve().parent / "goals.yaml"


def width(parents: dict[str, list[str]]) -> int:
    """The largest set of tasks no two of which depend on each other (greedy by depth level)."""
    anc = ancestors({k: set(v) for k, v in parents.items()})
    depth: dict[str, int] = {}
    for node in sorted(parents, key=lambda n: len(anc[n])):
        depth[node] = 1 + max((depth[p] for p in parents[node]), default=0)
    levels: dict[int, int] = {}
    for d in depth.values():
        levels[d] = levels.get(d, 0) + 1
    return max(levels.values(), default=0)


def evaluate(mode: str) -> dict[str, Any]:
    cases = yaml.safe_load(GOALS.read_text())
    rows = []
    for case in cases:
        raw, source = propose_offline(case["goal"], case.get("context", {}), mode)
        try:
            plan = check(raw)
        except PlanInvalid as exc:
            rows.append({"goal": case["goal"], "valid": False, "problems": [p.message for p in exc.problems]})
            continue
        parents = {t.id: dependencies(t) for t in plan.tasks}
        tools = {t.tool for t in plan.tasks}
        expected_family = case.get("family", "none")
        family_ok = mode != "heuristic" or source == (
            f"heuristic:{expected_family}" if expected_family != "none" else "mock"
        )
        rows.append({
            "goal": case["goal"], "valid": True, "source": source, "tasks": len(plan.tasks), "width": width(parents),
            "critical_path": int(critical_path(parents, dict.fromkeys(parents, 1.0))),
            "meets": family_ok and set(case.get("tools", [])) <= tools and width(parents) >= case.get("min_width", 1),
        })  # fmt: skip
    valid = [r for r in rows if r["valid"]]
    return {
        "mode": mode,
        "goals": len(rows),
        "valid_rate": len(valid) / len(rows),
        "meets_rate": sum(1 for r in valid if r["meets"]) / len(rows),
        "mean_width": sum(r["width"] for r in valid) / max(len(valid), 1),
        "mean_critical_path": sum(r["critical_path"] for r in valid) / max(len(valid), 1),
        "mean_tasks": sum(r["tasks"] for r in valid) / max(len(valid), 1),
        "rows": rows,
    }


def main() -> None:
    import django

    django.setup()
    print("| planner | goals | valid plans | meets expectations | mean tasks | mean width | mean critical path |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for mode in ("mock", "heuristic"):
        r = evaluate(mode)
        print(
            f"| {mode} | {r['goals']} | {r['valid_rate']:.0%} | {r['meets_rate']:.0%} | {r['mean_tasks']:.1f} | "
            f"{r['mean_width']:.1f} | {r['mean_critical_path']:.1f} |"
        )


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "awe_project.settings")
    main()
