"""The contracts AWE publishes as files (docs/schemas/, `make schemas`): the OpenAPI schema of
the REST API, the JSON Schema of a plan, and every registered tool with its input and output
JSON Schemas. Generated from the code that validates them, so a changed contract shows in a diff."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer

from planner.schema import Plan
from tools.registry import catalogue

DIR: Path = settings.BASE_DIR / "docs" / "schemas"


def _json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def generate() -> dict[str, str]:
    """File name (in ``DIR``) → content."""
    openapi = SchemaGenerator().get_schema(request=None, public=True)
    return {
        "openapi.yaml": OpenApiYamlRenderer().render(openapi, renderer_context={}).decode(),
        "plan.schema.json": _json(Plan.model_json_schema()),
        "tools.json": _json([spec.describe() for spec in catalogue().values()]),
    }


def stale(directory: Path | None = None) -> list[str]:
    """The files in ``directory`` (default ``DIR``) that are missing or differ from what the code generates."""
    directory = directory or DIR
    return sorted(
        name
        for name, text in generate().items()
        if not (directory / name).is_file() or (directory / name).read_text() != text
    )
