"""The tool registry only wires: families register themselves with the ``tool`` decorator."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import TypeVar

from pydantic import BaseModel

from tools.spec import JSON, ToolContext, ToolSpec

_REGISTRY: dict[str, ToolSpec] = {}

# Families that ship with AWE; plugins add theirs through AWE_TOOL_MODULES.
BUILTIN_MODULES = ("tools.core.files", "tools.core.render", "tools.core.control", "tools.llm.tools")

In = TypeVar("In", bound=BaseModel)
Out = TypeVar("Out", bound=BaseModel)


def register(spec: ToolSpec) -> ToolSpec:
    existing = _REGISTRY.get(spec.name)
    if existing is not None and existing.handler is not spec.handler:
        raise ValueError(f"tool {spec.name!r} is already registered")
    _REGISTRY[spec.name] = spec
    return spec


def _schema(model: type[BaseModel]) -> JSON:
    schema = model.model_json_schema()
    schema.setdefault("additionalProperties", False)
    return schema


def tool(
    name: str,
    *,
    input: type[In],
    output: type[Out],
    timeout_s: float = 60.0,
    queue: str = "tools",
) -> Callable[[Callable[[In, ToolContext], Out]], Callable[[In, ToolContext], Out]]:
    """Register a function as a tool. Its docstring is the description the planner reads.

    The input and output pydantic models give the JSON Schemas used for validation, the API
    and the planner prompt; the function gets a parsed input model and returns an output model.
    """

    def decorate(fn: Callable[[In, ToolContext], Out]) -> Callable[[In, ToolContext], Out]:
        def handler(inputs: JSON, ctx: ToolContext) -> JSON:
            return fn(input.model_validate(inputs), ctx).model_dump(mode="json")

        register(
            ToolSpec(
                name=name,
                description=(fn.__doc__ or name).strip(),
                input_schema=_schema(input),
                output_schema=_schema(output),
                handler=handler,
                timeout_s=timeout_s,
                queue=queue,
            )
        )
        return fn

    return decorate


def get(name: str) -> ToolSpec | None:
    return _REGISTRY.get(name)


def catalogue() -> dict[str, ToolSpec]:
    """Every registered tool, by name (sorted)."""
    return dict(sorted(_REGISTRY.items()))


def load_tool_modules(extra: Iterable[str] = ()) -> None:
    """Import the built-in families and every plugin module; each registers its tools."""
    for module in (*BUILTIN_MODULES, *extra):
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise ImportError(f"AWE_TOOL_MODULES: cannot import {module!r}: {exc}") from exc
