"""Core tools through the runtime: validated input, workspace-scoped files, classified errors."""

from __future__ import annotations

import threading
import time

import pytest

from tools import registry
from tools.errors import CancelledError, PermanentToolError, PolicyError, TransientToolError
from tools.runtime import invoke
from tools.spec import ToolContext, ToolSpec


@pytest.fixture
def ctx(tmp_path):
    saved: list[tuple[str, bytes, str]] = []

    def save(name: str, data: bytes, content_type: str) -> str:
        saved.append((name, data, content_type))
        return f"job/{name}"

    context = ToolContext(job_id="job", task_key="t", workspace=tmp_path, save_artifact=save)
    context.saved = saved  # type: ignore[attr-defined]
    return context


def call(name: str, inputs: dict, ctx: ToolContext, **kw):
    spec = registry.get(name)
    assert spec is not None, name
    return invoke(spec, inputs, ctx, **kw)


def test_write_read_and_list_files(ctx):
    out = call("core.write_file", {"path": "notes/a.md", "content": "héllo"}, ctx)
    assert out["path"] == "notes/a.md" and out["bytes"] == len("héllo".encode())
    assert call("core.read_file", {"path": "notes/a.md"}, ctx)["content"] == "héllo"
    listed = call("core.list_files", {}, ctx)
    assert listed["files"] == [{"path": "notes/a.md", "bytes": out["bytes"]}]


def test_reading_a_missing_file_is_a_permanent_error_naming_the_path(ctx):
    with pytest.raises(PermanentToolError, match=r"missing\.md"):
        call("core.read_file", {"path": "missing.md"}, ctx)


def test_a_path_escape_is_refused_by_policy(ctx):
    with pytest.raises(PolicyError):
        call("core.write_file", {"path": "../escape.md", "content": "x"}, ctx)
    assert not (ctx.workspace.parent / "escape.md").exists()


def test_bad_input_names_the_field(ctx):
    with pytest.raises(PermanentToolError) as info:
        call("core.wait", {"seconds": -1}, ctx)
    assert info.value.field == "seconds"
    with pytest.raises(PermanentToolError, match=r"unexpected|Additional"):
        call("core.write_file", {"path": "a", "content": "b", "mode": "x"}, ctx)


def test_render_markdown_writes_and_publishes_an_artifact(ctx):
    out = call(
        "core.render_markdown",
        {
            "template": "# {{ title }}\n{% for i in items %}- {{ i }}\n{% endfor %}",
            "data": {"title": "T", "items": [1, 2]},
            "path": "r.md",
        },
        ctx,
    )
    assert out["markdown"] == "# T\n- 1\n- 2\n"
    assert (ctx.workspace / "r.md").read_text() == out["markdown"]
    assert ctx.saved == [("r.md", out["markdown"].encode(), "text/markdown")]
    assert out["artifact"] == "job/r.md"


def test_render_markdown_is_sandboxed_and_strict(ctx):
    with pytest.raises(PermanentToolError, match="template"):
        call("core.render_markdown", {"template": "{{ missing }}", "path": "r.md"}, ctx)
    with pytest.raises(PermanentToolError, match="template"):
        call("core.render_markdown", {"template": "{{ ''.__class__.__mro__ }}", "path": "r.md"}, ctx)


def test_wait_stops_early_when_cancelled(ctx):
    threading.Timer(0.1, ctx.cancel_event.set).start()
    start = time.monotonic()
    with pytest.raises(CancelledError):
        call("core.wait", {"seconds": 30}, ctx)
    assert time.monotonic() - start < 10


def test_a_tool_over_its_timeout_fails_as_transient(ctx):
    spec = registry.get("core.wait")
    assert spec is not None
    with pytest.raises(TransientToolError, match="timed out"):
        invoke(spec, {"seconds": 5}, ctx, timeout_s=0.1)
    assert ctx.cancel_event.is_set()


def test_output_is_validated(ctx):
    broken = ToolSpec(
        name="test.broken",
        description="returns the wrong shape",
        input_schema={"type": "object"},
        output_schema={"type": "object", "required": ["x"], "properties": {"x": {"type": "integer"}}},
        handler=lambda inputs, c: {"x": "not a number"},
    )
    with pytest.raises(PermanentToolError, match="invalid output"):
        invoke(broken, {}, ctx)


def test_the_catalogue_lists_the_core_tools():
    names = set(registry.catalogue())
    assert {"core.write_file", "core.read_file", "core.list_files", "core.render_markdown", "core.wait"} <= names
