"""The LLM planner drives the real openai SDK against a local OpenAI-compatible server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from planner.llm import Attempt, PlanningFailed, plan_with_repairs
from planner.tests.openai_stub import completion, openai_stub
from planner.validate import PlanInvalid
from tools.llm.openai_provider import OpenAIProvider
from tools.registry import catalogue

GOOD = {
    "tasks": [
        {"id": "write", "tool": "core.write_file", "inputs": {"path": "a.md", "content": "# A"}},
        {"id": "read", "tool": "core.read_file", "inputs": {"path": {"$ref": "write.output.path"}}},
    ]
}
CYCLE = {
    "tasks": [
        {"id": "a", "tool": "core.wait", "inputs": {"seconds": 0}, "depends_on": ["b"]},
        {"id": "b", "tool": "core.wait", "inputs": {"seconds": 0}, "depends_on": ["a"]},
    ]
}


def provider(stub, timeout_s=5.0, max_retries=2):
    prices = {"stub-model": {"input_per_mtok": 1.0, "output_per_mtok": 2.0}}
    return OpenAIProvider(
        model="stub-model",
        api_key="sk-test",
        base_url=stub.url,
        timeout_s=timeout_s,
        max_retries=max_retries,
        prices=prices,
    )


def plan(stub, max_repairs=2, **kw):
    kept: list[Attempt] = []
    raw, checked = plan_with_repairs(
        provider(stub, **kw), "Write a note and read it back", {"k": "v"}, catalogue(), max_tasks=50,
        max_repairs=max_repairs, keep=kept.append,
    )  # fmt: skip
    return raw, checked, kept


def test_a_valid_plan_is_accepted_first_time():
    with openai_stub([completion(json.dumps(GOOD))]) as stub:
        raw, checked, kept = plan(stub)
    assert [t.id for t in checked.tasks] == ["write", "read"] and raw == GOOD
    assert len(kept) == 1 and kept[0].problems == []
    usage = kept[0].usage
    assert usage is not None and (usage.tokens_in, usage.tokens_out) == (100, 50)
    assert usage.cost_usd == pytest.approx(100 / 1e6 * 1.0 + 50 / 1e6 * 2.0)
    request = stub.requests[0]
    assert request["response_format"]["type"] == "json_schema"
    system = request["messages"][0]["content"]
    assert "core.write_file" in system and "output schema" in system
    assert "Write a note and read it back" in request["messages"][1]["content"]


def test_garbage_is_sent_back_and_repaired():
    with openai_stub([completion("Sure! Here is your plan: tasks..."), completion(json.dumps(GOOD))]) as stub:
        _, checked, kept = plan(stub)
    assert len(checked.tasks) == 2
    assert [p.code for p in kept[0].problems] == ["not_json"] and kept[1].problems == []
    repair = stub.requests[1]["messages"]
    assert repair[-2]["role"] == "assistant" and "Sure!" in repair[-2]["content"]
    assert "not JSON" in repair[-1]["content"]


def test_a_cycle_is_named_to_the_model_and_fixed():
    with openai_stub([completion(json.dumps(CYCLE)), completion(json.dumps(GOOD))]) as stub:
        _, _, kept = plan(stub)
    assert [p.code for p in kept[0].problems] == ["cycle"]
    assert (
        "cycle: a -> b -> a" in stub.requests[1]["messages"][-1]["content"]
        or "cycle: b -> a -> b" in stub.requests[1]["messages"][-1]["content"]
    )


def test_still_invalid_after_the_repairs_raises_with_the_reasons():
    with openai_stub([completion(json.dumps(CYCLE))] * 3) as stub, pytest.raises(PlanInvalid) as info:
        plan(stub, max_repairs=2)
    assert len(stub.requests) == 3
    assert info.value.problems[0].code == "cycle"


def test_rate_limits_are_retried_by_the_sdk():
    with openai_stub([{"status": 429, "content": "slow down"}, completion(json.dumps(GOOD))]) as stub:
        _, checked, _ = plan(stub)
    assert len(stub.requests) == 2 and len(checked.tasks) == 2


def test_a_hanging_server_fails_as_transient_within_the_timeout():
    with openai_stub([{"hang": 3, **completion(json.dumps(GOOD))}]) as stub, pytest.raises(PlanningFailed) as info:
        plan(stub, timeout_s=0.5, max_retries=0)
    assert info.value.error_class == "transient" and "Timeout" in str(info.value)


def test_a_huge_reply_is_refused_by_the_size_cap_then_repaired():
    with openai_stub([completion("x" * 1_000_000), completion(json.dumps(GOOD))]) as stub:
        _, checked, kept = plan(stub)
    assert [p.code for p in kept[0].problems] == ["too_large"]
    assert len(json.dumps(kept[0].raw)) < 1000  # never stored whole
    assert len(checked.tasks) == 2


def test_servers_without_structured_output_get_json_mode():
    rejected = {"status": 400, "content": "response_format json_schema is not supported"}
    with openai_stub([rejected, completion(json.dumps(GOOD))]) as stub:
        _, checked, _ = plan(stub)
    assert stub.requests[1]["response_format"] == {"type": "json_object"}
    assert len(checked.tasks) == 2


@pytest.mark.parametrize(("name", "value"), [("LLM_PROVIDER", "bogus"), ("PLANNER_MODE", "magic")])
def test_an_unknown_provider_stops_start_up_naming_the_setting(tmp_path, name, value):
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "AWE_DATA_DIR": str(tmp_path), name: value}
    done = subprocess.run([sys.executable, "manage.py", "check"], cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode != 0
    assert f"{name}={value!r} is not known" in done.stderr
