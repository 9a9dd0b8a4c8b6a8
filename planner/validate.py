"""Plan validation: pure functions that return every problem at once, as structured data."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import jsonschema
from pydantic import ValidationError

from planner.dag import find_cycle
from planner.schema import Plan, PlanTask, dependencies, iter_refs, parse_ref
from tools.spec import JSON, ToolSpec
from tools.storable import unstorable

_PLACEHOLDER = {"string": "", "integer": 0, "number": 0, "boolean": False, "array": [], "object": {}}


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    task: str | None = None
    field: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


class PlanInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def _resolve(schema: JSON, root: JSON) -> JSON:
    while isinstance(schema, dict) and "$ref" in schema and schema["$ref"].startswith("#/$defs/"):
        schema = root.get("$defs", {}).get(schema["$ref"][len("#/$defs/") :], {})
    return schema


def output_field_schema(output_schema: JSON, path: list[str]) -> JSON | None:
    """The schema of ``path`` inside a tool's output, ``{}`` if free-form, ``None`` if absent."""
    node = _resolve(output_schema, output_schema)
    for part in path:
        if "properties" in node:
            if part not in node["properties"]:
                return None
            node = _resolve(node["properties"][part], output_schema)
        elif node.get("type") == "array" and part.isdigit():
            node = _resolve(node.get("items", {}), output_schema)
        elif "anyOf" in node or node.get("type") in (None, "object"):
            return {}  # free-form: cannot be checked statically
        else:
            return None
    return node


def _placeholder(schema: JSON | None) -> Any:
    kind = (schema or {}).get("type")
    if isinstance(kind, str) and kind in _PLACEHOLDER:
        return _PLACEHOLDER[kind]
    return None


def _bind_placeholders(
    value: Any, ref_schemas: Mapping[str, JSON | None], path: tuple[Any, ...], refs_at: set[tuple[Any, ...]]
) -> Any:
    """Replace refs with a value of the bound output's type, remembering where they were."""
    if isinstance(value, dict):
        if set(value) == {"$ref"} and isinstance(value["$ref"], str):
            refs_at.add(path)
            return _placeholder(ref_schemas.get(value["$ref"]))
        return {k: _bind_placeholders(v, ref_schemas, (*path, k), refs_at) for k, v in value.items()}
    if isinstance(value, list):
        return [_bind_placeholders(v, ref_schemas, (*path, i), refs_at) for i, v in enumerate(value)]
    return value


def _input_problems(schema: JSON, inputs: dict[str, Any], ref_schemas: Mapping[str, JSON | None]) -> list[str]:
    """Input schema violations. Where a ref is bound only its type can be known before the run,
    so other constraints (length, pattern, range) are checked at run time by the tool runtime."""
    refs_at: set[tuple[Any, ...]] = set()
    bound = _bind_placeholders(inputs, ref_schemas, (), refs_at)
    messages = []
    for error in jsonschema.Draft202012Validator(schema).iter_errors(bound):
        where = tuple(error.absolute_path)
        if where in refs_at and error.validator != "type":
            continue
        messages.append(f"{'.'.join(str(p) for p in where) or '(root)'}: {error.message}")
    return sorted(messages)


def _unstorable_problem(message: str) -> Problem:
    """A value of the plan that the database cannot store (``tools.storable``)."""
    task = field = None
    if match := re.match(r"tasks\[(\d+)\]\.?([^:]*):", message):
        task, field = f"tasks[{match[1]}]", match[2] or None
    return Problem("unstorable", message, task, field)


def _schema_errors(exc: ValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = list(err["loc"])
        task = f"tasks[{loc[1]}]" if len(loc) > 1 and loc[0] == "tasks" else None
        field = ".".join(str(p) for p in loc[2:]) if len(loc) > 2 else None
        where = ".".join(str(p) for p in loc) or "plan"
        problems.append(Problem("schema", f"{where}: {err['msg']}", task, field))
    return problems


def _task_problems(task: PlanTask, by_id: Mapping[str, PlanTask], catalogue: Mapping[str, ToolSpec]) -> list[Problem]:
    problems: list[Problem] = []
    spec = catalogue.get(task.tool)
    if spec is None:
        problems.append(Problem("unknown_tool", f"task {task.id!r}: unknown tool {task.tool!r}", task.id, "tool"))
    for dep in task.depends_on:
        if dep == task.id:
            problems.append(Problem("self_dependency", f"task {task.id!r} depends on itself", task.id, "depends_on"))
        elif dep not in by_id:
            problems.append(
                Problem(
                    "unknown_dependency", f"task {task.id!r} depends on unknown task {dep!r}", task.id, "depends_on"
                )
            )
    ref_schemas: dict[str, JSON | None] = {}
    for ref in iter_refs(task.inputs):
        parsed = parse_ref(ref)
        if parsed is None:
            problems.append(
                Problem(
                    "bad_ref",
                    f"task {task.id!r}: {ref!r} is not of the form '<task>.output.<field>'",
                    task.id,
                    "inputs",
                )
            )
            continue
        source, path = parsed
        upstream = by_id.get(source)
        if source == task.id:
            problems.append(Problem("self_ref", f"task {task.id!r} binds its own output {ref!r}", task.id, "inputs"))
        elif upstream is None:
            problems.append(
                Problem("unknown_ref", f"task {task.id!r}: {ref!r} names unknown task {source!r}", task.id, "inputs")
            )
        elif (up_spec := catalogue.get(upstream.tool)) is not None:
            field_schema = output_field_schema(up_spec.output_schema, path)
            if field_schema is None:
                problems.append(
                    Problem(
                        "unknown_output",
                        f"task {task.id!r}: {ref!r}: tool {upstream.tool!r} has no output field {'.'.join(path)!r}",
                        task.id,
                        "inputs",
                    )
                )
            ref_schemas[ref] = field_schema
    if spec is not None:
        for message in _input_problems(spec.input_schema, task.inputs, ref_schemas):
            problems.append(Problem("bad_input", f"task {task.id!r}: inputs.{message}", task.id, "inputs"))
    return problems


def budget_problems(
    plan: Plan, budget: Mapping[str, Any], estimates: Mapping[str, Mapping[str, float]]
) -> list[Problem]:
    """The plan's estimated size and LLM spending against a job's budget."""
    problems = []
    if budget.get("max_tasks") is not None and len(plan.tasks) > budget["max_tasks"]:
        problems.append(
            Problem("over_budget", f"plan has {len(plan.tasks)} tasks; the job's max_tasks is {budget['max_tasks']}")
        )
    tokens = sum(estimates.get(t.tool, {}).get("tokens", 0) for t in plan.tasks)
    cost = sum(estimates.get(t.tool, {}).get("cost_usd", 0) for t in plan.tasks)
    if budget.get("max_tokens") is not None and tokens > budget["max_tokens"]:
        problems.append(
            Problem(
                "over_budget", f"plan is estimated at {tokens:g} tokens; the job's max_tokens is {budget['max_tokens']}"
            )
        )
    if budget.get("max_cost_usd") is not None and cost > budget["max_cost_usd"]:
        problems.append(
            Problem(
                "over_budget", f"plan is estimated at ${cost:g}; the job's max_cost_usd is {budget['max_cost_usd']}"
            )
        )
    return problems


def validate_plan(
    raw: object,
    catalogue: Mapping[str, ToolSpec],
    *,
    max_tasks: int,
    budget: Mapping[str, Any] | None = None,
    estimates: Mapping[str, Mapping[str, float]] | None = None,
) -> Plan:
    """Parse and check a plan; raise ``PlanInvalid`` listing every problem found."""
    if values := unstorable(raw):
        raise PlanInvalid([_unstorable_problem(message) for message in values])
    try:
        plan = Plan.model_validate(raw)
    except ValidationError as exc:
        raise PlanInvalid(_schema_errors(exc)) from None
    problems: list[Problem] = []
    if len(plan.tasks) > max_tasks:
        problems.append(Problem("too_many_tasks", f"plan has {len(plan.tasks)} tasks; the limit is {max_tasks}"))
    by_id: dict[str, PlanTask] = {}
    for task in plan.tasks:
        if task.id in by_id:
            problems.append(Problem("duplicate_id", f"task id {task.id!r} is used more than once", task.id, "id"))
        by_id[task.id] = task
    for task in plan.tasks:
        problems.extend(_task_problems(task, by_id, catalogue))
    graph = {t.id: [d for d in dependencies(t) if d in by_id and d != t.id] for t in by_id.values()}
    cycle = find_cycle(graph)
    if cycle:
        problems.append(Problem("cycle", f"plan has a cycle: {' -> '.join(cycle)}", cycle[0], "depends_on"))
    if budget:
        problems.extend(budget_problems(plan, budget, estimates or {}))
    if problems:
        raise PlanInvalid(problems)
    return plan
