"""OpenAPI: the plan's components come from the pydantic model that validates plans."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.hooks import postprocess_schema_enums

from planner.schema import Plan

PLAN_REF = {"$ref": "#/components/schemas/Plan"}


def add_plan_components(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    schema = Plan.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.update(defs)
    components["Plan"] = schema
    return result


Hook = Callable[..., dict[str, Any]]
HOOKS: list[Hook] = [postprocess_schema_enums, add_plan_components]


def add_plan_components_hooked(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """The hook list drf-spectacular runs: its enum post-processing, then the plan components."""
    for hook in HOOKS:
        result = hook(result=result, generator=generator, request=request, public=public)
    return result


class LocalUserScheme(OpenApiAuthenticationExtension):  # type: ignore[misc]
    """The embedded footprint's anonymous local user: no credentials at all."""

    target_class = "jobs.api.auth.LocalUserAuthentication"
    name = "localUser"
    priority = 0

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "none",
            "description": "Anonymous calls act as AWE_LOCAL_USER (embedded only)",
        }

    def get_security_requirement(self, auto_schema: Any) -> dict[str, Any]:
        return {}
