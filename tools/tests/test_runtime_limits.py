"""The runtime's limits on what a tool returns: outputs over AWE_TOOL_OUTPUT_MAX_BYTES are cut
(the full output goes to an artifact), secrets are redacted from outputs and error messages,
a slow tool times out as a transient error, and tool threads are kept between calls."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
from django.test import override_settings

from tools.errors import PermanentToolError, PolicyError, TransientToolError
from tools.redact import MASK
from tools.runtime import invoke, json_size
from tools.spec import ToolContext, ToolSpec
from tools.tests.toolctx import make_ctx

FAKE_KEY = "sk-" + "ABCDEFGHIJKLMNOPQRSTUVWX"


def returning(value: Any, schema: dict[str, Any] | None = None) -> ToolSpec:
    return ToolSpec(
        name="test.returns",
        description="returns a fixed value",
        input_schema={"type": "object"},
        output_schema=schema or {"type": "object"},
        handler=lambda inputs, ctx: value,
    )


def raising(exc: Exception) -> ToolSpec:
    def handler(inputs: dict[str, Any], ctx: ToolContext) -> dict[str, Any]:
        raise exc

    return ToolSpec(
        name="test.raises", description="fails", input_schema={"type": "object"}, output_schema={}, handler=handler
    )


@pytest.fixture
def ctx(tmp_path):
    return make_ctx(tmp_path, task_key="big-task")


@override_settings(AWE_TOOL_OUTPUT_MAX_BYTES=2000)
def test_an_output_over_the_cap_is_cut_and_saved_in_full_as_an_artifact(ctx):
    output = {"text": "a" * 5000, "items": ["b" * 3000, "short"], "n": 7}
    schema = {
        "type": "object",
        "required": ["text", "items", "n"],
        "properties": {"text": {"type": "string"}, "items": {"type": "array"}, "n": {"type": "integer"}},
    }
    out = invoke(returning(output, schema), {}, ctx)

    assert json_size(out) <= 2000
    assert out["n"] == 7 and out["items"][1] == "short"
    suffix = "… [truncated; full output in artifact job/outputs/big-task.json]"
    assert out["text"].endswith(suffix) and out["text"].startswith("a" * 100)
    assert out["items"][0].endswith(suffix)
    [(name, data, content_type)] = ctx.saved
    assert (name, content_type) == ("outputs/big-task.json", "application/json")
    assert json.loads(data) == output


@override_settings(AWE_TOOL_OUTPUT_MAX_BYTES=2000)
def test_the_cut_keeps_as_much_text_as_fits(ctx):
    out = invoke(returning({"text": "a" * 5000}), {}, ctx)
    assert 2000 - 20 <= json_size(out) <= 2000


def test_an_output_under_the_cap_is_returned_unchanged(ctx):
    output = {"text": "a" * 5000}
    with override_settings(AWE_TOOL_OUTPUT_MAX_BYTES=10_000):
        assert invoke(returning(output), {}, ctx) == output
    assert ctx.saved == []


@override_settings(AWE_TOOL_OUTPUT_MAX_BYTES=100)
def test_an_output_that_cannot_fit_even_cut_is_a_permanent_error_naming_the_artifact(ctx):
    with pytest.raises(PermanentToolError, match=r"outputs/big-task\.json"):
        invoke(returning({"numbers": list(range(1000))}), {}, ctx)
    assert [name for name, _, _ in ctx.saved] == ["outputs/big-task.json"]


def test_outputs_are_redacted(ctx):
    output = {
        "note": f"use {FAKE_KEY} with Authorization: Bearer abcdef123456",
        "headers": {"Authorization": "Bearer abcdef123456"},
        "usage": {"tokens_in": 5, "tokens_out": 3},
    }
    out = invoke(returning(output), {}, ctx)
    text = json.dumps(out)
    assert FAKE_KEY not in text and "abcdef123456" not in text
    assert out["headers"]["Authorization"] == MASK
    assert out["usage"] == {"tokens_in": 5, "tokens_out": 3}


@override_settings(OPENAI_API_KEY="plain-value-42", AWE_TOOL_OUTPUT_MAX_BYTES=300)
def test_the_full_output_artifact_is_redacted_too(ctx):
    out = invoke(returning({"text": "x" * 1000 + " plain-value-42"}), {}, ctx)
    [(_, data, _)] = ctx.saved
    assert b"plain-value-42" not in data and MASK.encode() in data
    assert "plain-value-42" not in json.dumps(out)


def test_nuls_and_lone_surrogates_in_an_output_or_an_error_become_replacement_characters(ctx):
    output = invoke(returning({"text": "a\x00b", "k\x00": "caf\udce9"}), {}, ctx)
    assert output == {"text": "a\ufffdb", "k\ufffd": "caf\ufffd"}
    with pytest.raises(PermanentToolError) as info:
        invoke(raising(PermanentToolError("bad byte \x00")), {}, ctx)
    assert info.value.message == "bad byte \ufffd"


def test_an_output_holding_nan_or_infinity_is_a_permanent_error_naming_the_place(ctx):
    with pytest.raises(PermanentToolError) as info:
        invoke(returning({"scores": [1.0, float("nan")], "max": float("inf")}), {}, ctx)
    assert info.value.message == (
        "test.returns: the output cannot be recorded: scores[1]: is nan, which JSON cannot carry; "
        "max: is inf, which JSON cannot carry"
    )


@pytest.mark.parametrize(
    ("value", "why"),
    [(b"raw", "Object of type bytes is not JSON serializable"), (10**5000, "Exceeds the limit (4300 digits)")],
    ids=["bytes", "huge-int"],
)
def test_an_output_that_is_not_json_is_a_permanent_error(ctx, value, why):
    """Its schema may not look inside (``{"type": "object"}``); the task fails for good instead of
    leaving its completion unable to write the row."""
    with pytest.raises(PermanentToolError, match=r"test\.returns: the output cannot be recorded as JSON: ") as info:
        invoke(returning({"data": value}), {}, ctx)
    assert why in info.value.message


def test_error_messages_are_redacted_and_keep_their_class_and_field(ctx):
    with pytest.raises(PolicyError) as policy:
        invoke(raising(PolicyError(f"refused {FAKE_KEY}", field="url")), {}, ctx)
    assert FAKE_KEY not in policy.value.message and FAKE_KEY not in str(policy.value)
    assert policy.value.field == "url" and MASK in policy.value.message

    with pytest.raises(PermanentToolError) as plain:
        invoke(raising(ValueError("bad header Authorization: Bearer abcdef123456")), {}, ctx)
    assert "abcdef123456" not in plain.value.message


@override_settings(OPENAI_API_KEY="plain-value-42")
def test_secret_setting_values_are_redacted_from_errors(ctx):
    with pytest.raises(TransientToolError) as info:
        invoke(raising(ConnectionError("upstream said plain-value-42")), {}, ctx)
    assert "plain-value-42" not in info.value.message


def test_a_slow_tool_times_out_as_transient(ctx):
    slow = ToolSpec(
        name="test.slow",
        description="sleeps",
        input_schema={"type": "object"},
        output_schema={},
        handler=lambda inputs, c: time.sleep(2) or {},
        timeout_s=0.1,
    )
    start = time.monotonic()
    with pytest.raises(TransientToolError, match=r"timed out after 0\.1 s"):
        invoke(slow, {}, ctx)
    assert time.monotonic() - start < 1.5


def _recording_thread(
    name: str, seen: list[int], release: threading.Event | None = None, timeout_s: float = 5
) -> ToolSpec:
    def handler(inputs: dict[str, Any], c: ToolContext) -> dict[str, Any]:
        seen.append(threading.get_ident())
        if release is not None:
            release.wait(10)
        return {}

    return ToolSpec(
        name=name, description="notes its thread", input_schema={"type": "object"}, output_schema={},
        handler=handler, timeout_s=timeout_s,
    )  # fmt: skip


def test_quick_calls_reuse_one_kept_thread(ctx):
    seen: list[int] = []
    for _ in range(3):
        invoke(_recording_thread("test.quick", seen), {}, ctx)
    assert len(seen) == 3 and len(set(seen)) == 1
    assert seen[0] != threading.get_ident()  # not the caller's thread


def test_a_tool_still_running_after_its_timeout_does_not_hold_up_the_next_call(ctx, tmp_path):
    release, hung, after = threading.Event(), [], []
    try:
        with pytest.raises(TransientToolError, match="timed out"):
            invoke(_recording_thread("test.hangs", hung, release, timeout_s=0.1), {}, ctx)
        invoke(_recording_thread("test.next", after), {}, make_ctx(tmp_path))  # would wait 10 s behind it if queued
        assert not release.is_set() and after and after[0] != hung[0]
    finally:
        release.set()
