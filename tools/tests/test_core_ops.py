"""Workspace operations through the runtime: append, move, delete, search, render_template,
json_query and zip_workspace — with bad input, path escapes and classified errors."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tools.errors import PermanentToolError, PolicyError
from tools.tests.toolctx import call, make_ctx


@pytest.fixture
def ctx(tmp_path):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    return make_ctx(workspace)


def write(ctx, path: str, content: str | bytes) -> None:
    target = ctx.workspace / path
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content)


# --- append / move / delete ---------------------------------------------------------------------


def test_append_file_creates_the_file_then_appends(ctx):
    first = call("core.append_file", {"path": "log/run.txt", "content": "one\n"}, ctx)
    second = call("core.append_file", {"path": "log/run.txt", "content": "twö\n"}, ctx)
    assert (ctx.workspace / "log/run.txt").read_text() == "one\ntwö\n"
    assert first == {"path": "log/run.txt", "appended": 4, "bytes": 4}
    assert second["appended"] == len("twö\n".encode()) and second["bytes"] == 4 + len("twö\n".encode())


def test_append_file_refuses_a_path_escape_and_names_missing_fields(ctx):
    with pytest.raises(PolicyError) as info:
        call("core.append_file", {"path": "../out.txt", "content": "x"}, ctx)
    assert info.value.field == "path"
    assert not (ctx.workspace.parent / "out.txt").exists()
    with pytest.raises(PermanentToolError) as bad:
        call("core.append_file", {"path": "a.txt"}, ctx)
    assert "content" in bad.value.message


def test_move_file_renames_and_refuses_to_overwrite_unless_asked(ctx):
    write(ctx, "a.txt", "A")
    write(ctx, "b.txt", "B")
    with pytest.raises(PermanentToolError) as info:
        call("core.move_file", {"src": "a.txt", "dst": "b.txt"}, ctx)
    assert info.value.field == "dst"
    assert (ctx.workspace / "b.txt").read_text() == "B"

    assert call("core.move_file", {"src": "a.txt", "dst": "b.txt", "overwrite": True}, ctx) == {
        "src": "a.txt",
        "dst": "b.txt",
    }
    assert (ctx.workspace / "b.txt").read_text() == "A" and not (ctx.workspace / "a.txt").exists()

    call("core.move_file", {"src": "b.txt", "dst": "deep/er/c.txt"}, ctx)
    assert (ctx.workspace / "deep/er/c.txt").read_text() == "A"


def test_move_file_moves_folders_but_not_into_themselves(ctx):
    write(ctx, "d/x.txt", "x")
    call("core.move_file", {"src": "d", "dst": "e"}, ctx)
    assert (ctx.workspace / "e/x.txt").read_text() == "x"
    with pytest.raises(PermanentToolError) as info:
        call("core.move_file", {"src": "e", "dst": "e/inner"}, ctx)
    assert info.value.field == "dst"


def test_move_file_missing_source_and_escapes_name_their_field(ctx):
    with pytest.raises(PermanentToolError) as missing:
        call("core.move_file", {"src": "nope.txt", "dst": "b.txt"}, ctx)
    assert missing.value.field == "src" and "nope.txt" in missing.value.message
    write(ctx, "a.txt", "A")
    with pytest.raises(PolicyError) as out:
        call("core.move_file", {"src": "a.txt", "dst": "../stolen.txt"}, ctx)
    assert out.value.field == "dst"
    with pytest.raises(PolicyError) as into:
        call("core.move_file", {"src": "/etc/passwd", "dst": "p.txt"}, ctx)
    assert into.value.field == "src"
    assert (ctx.workspace / "a.txt").exists() and not (ctx.workspace.parent / "stolen.txt").exists()


def test_delete_file_removes_files_and_folders_only_when_recursive(ctx):
    write(ctx, "a.txt", "A")
    assert call("core.delete_file", {"path": "a.txt"}, ctx) == {"path": "a.txt", "deleted_files": 1}
    assert not (ctx.workspace / "a.txt").exists()

    write(ctx, "dir/one.txt", "1")
    write(ctx, "dir/sub/two.txt", "2")
    with pytest.raises(PermanentToolError) as info:
        call("core.delete_file", {"path": "dir"}, ctx)
    assert info.value.field == "recursive"
    assert (ctx.workspace / "dir/one.txt").exists()
    assert call("core.delete_file", {"path": "dir", "recursive": True}, ctx)["deleted_files"] == 2
    assert not (ctx.workspace / "dir").exists()


def test_delete_file_refuses_missing_files_the_workspace_and_escapes(ctx):
    with pytest.raises(PermanentToolError) as missing:
        call("core.delete_file", {"path": "ghost.txt"}, ctx)
    assert missing.value.field == "path" and "ghost.txt" in missing.value.message
    with pytest.raises(PolicyError):
        call("core.delete_file", {"path": ".", "recursive": True}, ctx)
    outside = ctx.workspace.parent / "keep.txt"
    outside.write_text("keep")
    with pytest.raises(PolicyError):
        call("core.delete_file", {"path": "../keep.txt"}, ctx)
    assert outside.exists() and ctx.workspace.exists()


def test_delete_file_removes_a_symlink_not_its_target(ctx):
    write(ctx, "real.txt", "R")
    (ctx.workspace / "link.txt").symlink_to(ctx.workspace / "real.txt")
    call("core.delete_file", {"path": "link.txt"}, ctx)
    assert not (ctx.workspace / "link.txt").is_symlink()
    assert (ctx.workspace / "real.txt").read_text() == "R"


# --- search -------------------------------------------------------------------------------------


def test_search_finds_text_with_one_based_line_numbers(ctx):
    write(ctx, "notes/a.md", "alpha\nTODO: first\nbeta\r\ntodo later\n")
    write(ctx, "b.txt", "nothing here\n")
    out = call("core.search", {"pattern": "TODO"}, ctx)
    assert out["matches"] == [{"path": "notes/a.md", "line": 2, "text": "TODO: first"}]
    assert out["count"] == 1 and out["truncated"] is False and out["files_searched"] == 2

    insensitive = call("core.search", {"pattern": "todo", "case_sensitive": False}, ctx)
    assert [(m["line"], m["text"]) for m in insensitive["matches"]] == [(2, "TODO: first"), (4, "todo later")]


def test_search_with_a_regex_and_a_glob(ctx):
    write(ctx, "a.md", "id=12\nid=x\n")
    write(ctx, "a.txt", "id=34\n")
    out = call("core.search", {"pattern": r"id=\d+", "regex": True, "glob": "*.md"}, ctx)
    assert out["matches"] == [{"path": "a.md", "line": 1, "text": "id=12"}]
    literal = call("core.search", {"pattern": r"id=\d+"}, ctx)
    assert literal["matches"] == []  # without regex the pattern is plain text


def test_search_caps_results_and_says_it_truncated(ctx):
    write(ctx, "many.txt", "hit\n" * 10)
    out = call("core.search", {"pattern": "hit", "max_results": 3}, ctx)
    assert [m["line"] for m in out["matches"]] == [1, 2, 3]
    assert out["truncated"] is True
    exact = call("core.search", {"pattern": "hit", "max_results": 10}, ctx)
    assert exact["count"] == 10 and exact["truncated"] is False


def test_search_skips_binary_files_dotfiles_and_dot_folders(ctx):
    write(ctx, "blob.bin", b"needle\x00\x01\x02")
    write(ctx, ".hidden", "needle\n")
    write(ctx, ".git/config", "needle\n")
    write(ctx, "seen.txt", "needle\n")
    out = call("core.search", {"pattern": "needle"}, ctx)
    assert [m["path"] for m in out["matches"]] == ["seen.txt"]


def test_search_invalid_regex_is_a_permanent_error_naming_pattern(ctx):
    with pytest.raises(PermanentToolError) as info:
        call("core.search", {"pattern": "(unclosed", "regex": True}, ctx)
    assert info.value.field == "pattern"


def test_search_refuses_folders_outside_the_workspace(ctx):
    with pytest.raises(PolicyError):
        call("core.search", {"pattern": "x", "path": "../"}, ctx)
    with pytest.raises(PermanentToolError) as info:
        call("core.search", {"pattern": "x", "max_results": 0}, ctx)
    assert info.value.field == "max_results"


# --- render_template ----------------------------------------------------------------------------


def test_render_template_writes_any_content_type_and_publishes_it(ctx):
    out = call(
        "core.render_template",
        {
            "template": "name,score\n{% for r in rows %}{{ r.name }},{{ r.score }}\n{% endfor %}",
            "data": {"rows": [{"name": "a", "score": 1}, {"name": "b", "score": 2}]},
            "path": "out/scores.csv",
            "content_type": "text/csv",
        },
        ctx,
    )
    assert out["text"] == "name,score\na,1\nb,2\n"
    assert (ctx.workspace / "out/scores.csv").read_text() == out["text"]
    assert out["content_type"] == "text/csv" and out["artifact"] == "job/out/scores.csv"
    assert ctx.saved == [("out/scores.csv", out["text"].encode(), "text/csv")]


def test_render_template_without_artifact_only_writes_the_file(ctx):
    out = call(
        "core.render_template",
        {"template": "<p>{{ x }}</p>", "data": {"x": 1}, "path": "p.html", "artifact": False},
        ctx,
    )
    assert out["artifact"] is None and ctx.saved == []
    assert out["content_type"] == "text/plain"


def test_render_template_is_sandboxed_strict_and_checks_its_inputs(ctx):
    with pytest.raises(PermanentToolError) as undefined:
        call("core.render_template", {"template": "{{ nope }}", "path": "x.txt"}, ctx)
    assert undefined.value.field == "template"
    with pytest.raises(PermanentToolError) as unsafe:
        call("core.render_template", {"template": "{{ ''.__class__.__mro__ }}", "path": "x.txt"}, ctx)
    assert unsafe.value.field == "template"
    with pytest.raises(PermanentToolError) as ctype:
        call("core.render_template", {"template": "x", "path": "x.txt", "content_type": "not a type"}, ctx)
    assert ctype.value.field == "content_type"
    with pytest.raises(PolicyError):
        call("core.render_template", {"template": "x", "path": "../x.txt"}, ctx)


# --- json_query ---------------------------------------------------------------------------------


def test_json_query_on_inline_data(ctx):
    data = {"items": [{"name": "a", "done": True}, {"name": "b", "done": False}]}
    out = call("core.json_query", {"expression": "items[?done].name", "data": data}, ctx)
    assert out == {"result": ["a"]}
    assert call("core.json_query", {"expression": "length(items)", "data": data}, ctx) == {"result": 2}


def test_json_query_on_json_and_yaml_files(ctx):
    write(ctx, "d.json", json.dumps({"a": {"b": [1, 2, 3]}}))
    write(ctx, "d.yaml", "services:\n  - name: web\n    port: 80\n  - name: db\n    port: 5432\nwhen: 2024-01-02\n")
    assert call("core.json_query", {"expression": "a.b[-1]", "path": "d.json"}, ctx) == {"result": 3}
    out = call("core.json_query", {"expression": "{ports: services[].port, when: when}", "path": "d.yaml"}, ctx)
    assert out == {"result": {"ports": [80, 5432], "when": "2024-01-02"}}


def test_json_query_bad_expression_or_file_names_the_field(ctx):
    with pytest.raises(PermanentToolError) as expr:
        call("core.json_query", {"expression": "items[", "data": {}}, ctx)
    assert expr.value.field == "expression"
    with pytest.raises(PermanentToolError) as runtime:
        call("core.json_query", {"expression": "length(@)", "data": 5}, ctx)
    assert runtime.value.field == "expression"
    write(ctx, "broken.json", "{not json")
    with pytest.raises(PermanentToolError) as broken:
        call("core.json_query", {"expression": "a", "path": "broken.json"}, ctx)
    assert broken.value.field == "path"
    write(ctx, "notes.txt", "{}")
    with pytest.raises(PermanentToolError) as kind:
        call("core.json_query", {"expression": "a", "path": "notes.txt"}, ctx)
    assert kind.value.field == "path"
    with pytest.raises(PolicyError):
        call("core.json_query", {"expression": "a", "path": "../x.json"}, ctx)


def test_json_query_needs_exactly_one_source(ctx):
    with pytest.raises(PermanentToolError) as neither:
        call("core.json_query", {"expression": "a"}, ctx)
    assert neither.value.field == "data"
    write(ctx, "d.json", "{}")
    with pytest.raises(PermanentToolError) as both:
        call("core.json_query", {"expression": "a", "data": {}, "path": "d.json"}, ctx)
    assert both.value.field == "path"


# --- zip_workspace ------------------------------------------------------------------------------


def test_zip_workspace_zips_files_skips_symlinks_and_publishes_it(ctx):
    write(ctx, "a.md", "A")
    write(ctx, "docs/b.txt", "BB")
    write(ctx, ".secret", "hidden")
    (ctx.workspace / "link.md").symlink_to(ctx.workspace / "a.md")
    out = call("core.zip_workspace", {"path": "dist/all.zip"}, ctx)
    assert out["files"] == 2 and out["uncompressed_bytes"] == 3
    zipped = (ctx.workspace / "dist/all.zip").read_bytes()
    assert out["bytes"] == len(zipped) and out["artifact"] == "job/dist/all.zip"
    assert ctx.saved == [("dist/all.zip", zipped, "application/zip")]
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        assert sorted(archive.namelist()) == ["a.md", "docs/b.txt"]
        assert archive.read("docs/b.txt") == b"BB"

    again = call("core.zip_workspace", {"path": "dist/all.zip"}, ctx)
    assert again["files"] == 2  # the archive never zips itself


def test_zip_workspace_of_a_folder_with_a_glob(ctx):
    write(ctx, "docs/a.md", "A")
    write(ctx, "docs/sub/b.md", "B")
    write(ctx, "docs/c.txt", "C")
    write(ctx, "other.md", "O")
    out = call("core.zip_workspace", {"folder": "docs", "pattern": "*.md", "path": "md.zip"}, ctx)
    with zipfile.ZipFile(ctx.workspace / "md.zip") as archive:
        assert sorted(archive.namelist()) == ["a.md", "sub/b.md"]
    assert out["files"] == 2


def test_zip_workspace_refuses_escapes_missing_folders_and_non_zip_names(ctx):
    with pytest.raises(PolicyError):
        call("core.zip_workspace", {"folder": "..", "path": "x.zip"}, ctx)
    with pytest.raises(PolicyError):
        call("core.zip_workspace", {"path": "../x.zip"}, ctx)
    with pytest.raises(PermanentToolError) as missing:
        call("core.zip_workspace", {"folder": "nope", "path": "x.zip"}, ctx)
    assert missing.value.field == "folder"
    with pytest.raises(PermanentToolError) as name:
        call("core.zip_workspace", {"path": "x.tar"}, ctx)
    assert name.value.field == "path"


def test_the_catalogue_lists_the_new_core_tools():
    from tools import registry

    names = set(registry.catalogue())
    assert {
        "core.append_file",
        "core.move_file",
        "core.delete_file",
        "core.search",
        "core.render_template",
        "core.json_query",
        "core.zip_workspace",
        "core.http_request",
    } <= names
