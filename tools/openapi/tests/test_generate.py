"""openapi.generate through the runtime: valid at once on the mock; on the real SDK against a
local OpenAI-compatible server, the validator's errors go back to the LLM until the spec is valid."""

from __future__ import annotations

import json

import pytest
import yaml

from planner.tests.openai_stub import completion
from tools import registry
from tools.errors import PermanentToolError
from tools.openapi.check import errors
from tools.openapi.draft import draft
from tools.runtime import invoke
from tools.tests.toolctx import make_ctx

TODO = "Write an OpenAPI spec for a todo service"
# Valid JSON, invalid OpenAPI: no info.version and an unresolved path parameter.
INVALID = {
    "openapi": "3.1.0",
    "info": {"title": "Todo API"},
    "paths": {"/todos/{id}": {"get": {"responses": {"200": {"description": "A todo"}}}}},
}


@pytest.fixture
def ctx(tmp_path):
    return make_ctx(tmp_path)


@pytest.fixture
def llm(worker_llm):
    return worker_llm


def generate(inputs, ctx):
    spec = registry.get("openapi.generate")
    assert spec is not None and spec.queue == "llm"
    return invoke(spec, inputs, ctx)


def test_the_mock_yields_a_valid_spec_in_one_round_with_both_artifacts(ctx):
    out = generate({"description": TODO}, ctx)
    assert out["valid"] is True and out["rounds"] == 1
    assert out["paths"] == 2 and len(out["operations"]) == 5
    assert out["schemas"] == ["Todo", "TodoInput", "Error"]
    assert out["artifacts"] == ["job/openapi.yaml", "job/openapi-summary.md"]
    spec = yaml.safe_load((ctx.workspace / "openapi.yaml").read_text())
    assert errors(spec) == [] and spec == draft(TODO)
    assert (ctx.workspace / "openapi-summary.md").read_text().startswith("# Todo API 1.0.0\n")
    assert [(name, ct) for name, _, ct in ctx.saved] == [
        ("openapi.yaml", "application/yaml"),
        ("openapi-summary.md", "text/markdown"),
    ]
    assert [u.provider for u in ctx.usage] == ["mock"]


def test_the_validation_errors_are_fed_back_until_the_spec_is_valid(ctx, llm):
    valid = draft("a library service", title="Library")
    stub = llm([completion(json.dumps(INVALID)), completion(json.dumps(valid))])
    out = generate({"description": "A library service", "title": "Library"}, ctx)
    assert out["rounds"] == 2 and out["valid"] is True
    assert [o["path"] for o in out["operations"]][:2] == ["/books", "/books"]
    assert yaml.safe_load((ctx.workspace / "openapi.yaml").read_text()) == valid

    assert len(stub.requests) == 2
    first, second = (r["messages"] for r in stub.requests)
    assert "```json" in first[-1]["content"] and "Title: Library" in first[-1]["content"]
    assert second[: len(first)] == first
    assert json.loads(second[-2]["content"]) == INVALID and second[-2]["role"] == "assistant"
    feedback = second[-1]["content"]
    assert "info: 'version' is a required property" in feedback
    assert stub.requests[0]["response_format"]["json_schema"]["name"] == "openapi"
    assert [(u.provider, u.tokens_in) for u in ctx.usage] == [("openai", 100), ("openai", 100)]


def test_a_spec_still_invalid_after_max_rounds_fails_permanently_with_the_last_errors(ctx, llm):
    stub = llm([completion(json.dumps(INVALID)), completion("not json at all")])
    with pytest.raises(PermanentToolError) as info:
        generate({"description": TODO, "max_rounds": 2}, ctx)
    assert "no valid OpenAPI 3.1 spec after 2 rounds" in info.value.message
    assert "the answer is not JSON" in info.value.message
    assert info.value.field == "description"
    assert len(stub.requests) == 2 and len(ctx.usage) == 2
    assert not (ctx.workspace / "openapi.yaml").exists() and ctx.saved == []


def test_bad_input_names_the_field(ctx):
    with pytest.raises(PermanentToolError) as info:
        generate({"description": TODO, "max_rounds": 0}, ctx)
    assert info.value.field == "max_rounds"
