"""The published contracts in docs/schemas/ (`make schemas`) are current and valid."""

from __future__ import annotations

import json
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command
from jsonschema.validators import validator_for
from openapi_spec_validator import validate

from jobs.api import contracts


def test_the_committed_schemas_are_what_the_code_generates():
    assert contracts.stale() == [], "docs/schemas/ is stale: run `make schemas` and commit the result"


def test_the_openapi_schema_is_valid_openapi_3_1_with_the_plan_components():
    schema = yaml.safe_load((contracts.DIR / "openapi.yaml").read_text())
    validate(schema)
    assert schema["openapi"] == "3.1.0"
    assert "Plan" in schema["components"]["schemas"] and "/api/jobs" in schema["paths"]


def test_the_plan_and_every_tool_schema_are_valid_json_schemas():
    plan = json.loads((contracts.DIR / "plan.schema.json").read_text())
    validator_for(plan).check_schema(plan)
    tools = json.loads((contracts.DIR / "tools.json").read_text())
    assert "core.write_file" in {t["name"] for t in tools}
    for tool in tools:
        for key in ("input_schema", "output_schema"):
            validator_for(tool[key]).check_schema(tool[key])


def test_check_names_a_stale_file_and_writes_nothing(tmp_path, monkeypatch):
    for name, text in contracts.generate().items():
        (tmp_path / name).write_text(text)
    assert contracts.stale(tmp_path) == []
    (tmp_path / "plan.schema.json").write_text("{}\n")
    (tmp_path / "tools.json").unlink()
    assert contracts.stale(tmp_path) == ["plan.schema.json", "tools.json"]

    monkeypatch.setattr(contracts, "DIR", tmp_path)
    with pytest.raises(CommandError, match=r"plan\.schema\.json, tools\.json; run `make schemas`"):
        call_command("schemas", "--check", stdout=StringIO())
    assert (tmp_path / "plan.schema.json").read_text() == "{}\n"
    call_command("schemas", stdout=StringIO())
    assert contracts.stale(tmp_path) == []
