"""The tool registry only wires: families register themselves with the ``tool`` decorator."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterable
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from tools.errors import PermanentToolError
from tools.spec import JSON, ToolContext, ToolSpec

_REGISTRY: dict[str, ToolSpec] = {}
# Tools found at run time (MCP servers), by name prefix: loaded once, when a lookup first needs them.
_LAZY: dict[str, Callable[[], Iterable[ToolSpec]]] = {}
_LAZY_LOCK = threading.Lock()

# Families that ship with AWE; plugins add theirs through AWE_TOOL_MODULES.
BUILTIN_MODULES = (
    "tools.core.files",
    "tools.core.render",
    "tools.core.control",
    "tools.core.search",
    "tools.core.data",
    "tools.core.archive",
    "tools.core.http",
    "tools.llm.tools",
    "tools.documents.tools",
    "tools.openapi.tools",
    "tools.mcp_client",
)

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
            try:
                parsed = input.model_validate(inputs)
            except ValidationError as exc:  # rules JSON Schema cannot say (validators): name the field
                first = exc.errors()[0]
                field = ".".join(str(part) for part in first["loc"]) or None
                raise PermanentToolError(f"{name}: invalid input at {field!r}: {first['msg']}", field=field) from None
            return fn(parsed, ctx).model_dump(mode="json")

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


def register_lazy(prefix: str, loader: Callable[[], Iterable[ToolSpec]]) -> None:
    """Call ``loader`` (once) the first time a lookup needs a tool named ``prefix...``; a loader
    may register a successor for what it could not load yet."""
    _LAZY[prefix] = loader


def _load_lazy(name: str | None = None) -> None:
    with _LAZY_LOCK:  # a concurrent caller sees the loader pending and waits here for its tools
        for prefix in [p for p in _LAZY if name is None or name.startswith(p)]:
            loader = _LAZY[prefix]  # stays pending while it runs: concurrent lookups wait for it
            try:
                for spec in loader():
                    register(spec)
            finally:
                if _LAZY.get(prefix) is loader:  # unless it left a successor
                    del _LAZY[prefix]


def get(name: str) -> ToolSpec | None:
    if name not in _REGISTRY and _LAZY:
        _load_lazy(name)
    return _REGISTRY.get(name)


def catalogue() -> dict[str, ToolSpec]:
    """Every registered tool, by name (sorted)."""
    if _LAZY:
        _load_lazy()
    return dict(sorted(_REGISTRY.items()))


def load_tool_modules(extra: Iterable[str] = ()) -> None:
    """Import the built-in families and every plugin module; each registers its tools."""
    for module in (*BUILTIN_MODULES, *extra):
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise ImportError(f"AWE_TOOL_MODULES: cannot import {module!r}: {exc}") from exc
