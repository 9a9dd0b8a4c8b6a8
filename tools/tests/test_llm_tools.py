"""The llm tool family, on the mock provider and on the real SDK against a local server."""

from __future__ import annotations

import json

import pytest

from planner.tests.openai_stub import completion, openai_stub
from tools import registry
from tools.errors import PermanentToolError
from tools.runtime import invoke
from tools.spec import ToolContext

SCHEMA = {
    "type": "object",
    "required": ["title", "tags"],
    "properties": {"title": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}},
}


@pytest.fixture
def ctx(tmp_path):
    return ToolContext(job_id="j", task_key="t", workspace=tmp_path)


def call(name, inputs, ctx):
    spec = registry.get(name)
    assert spec is not None and spec.queue == "llm"
    return invoke(spec, inputs, ctx)


def test_mock_mode_is_deterministic_and_offline(ctx):
    first = call("llm.generate_text", {"prompt": "Describe AWE"}, ctx)
    assert first == call("llm.generate_text", {"prompt": "Describe AWE"}, ctx)
    assert first["usage"]["provider"] == "mock"
    data = call("llm.generate_json", {"prompt": "a record", "json_schema": SCHEMA}, ctx)["data"]
    assert set(data) == {"title", "tags"} and isinstance(data["title"], str)
    summary = call("llm.summarize", {"text": "word " * 500, "max_words": 20}, ctx)["summary"]
    assert len(summary.split()) <= 20


def test_llm_mode_uses_the_configured_provider(ctx, settings):
    answer = {"title": "AWE", "tags": ["dag"]}
    with openai_stub([completion(json.dumps(answer)), completion('{"title": 3}')]) as stub:
        settings.WORKER_MODE, settings.LLM_PROVIDER = "llm", "openai"
        settings.OPENAI_BASE_URL, settings.OPENAI_API_KEY, settings.OPENAI_MAX_RETRIES = stub.url, "sk-test", 0
        out = call("llm.generate_json", {"prompt": "a record", "json_schema": SCHEMA}, ctx)
        assert out["data"] == answer and out["usage"]["provider"] == "openai"
        with pytest.raises(PermanentToolError, match="does not match the schema"):
            call("llm.generate_json", {"prompt": "a record", "json_schema": SCHEMA}, ctx)
