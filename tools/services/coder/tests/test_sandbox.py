"""The coder's sandbox and drafts, called directly: workspaces, allow-list, limits, diffs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tools.errors import PolicyError
from tools.llm.mock import MockProvider
from tools.services.coder import drafts
from tools.services.coder.sandbox import MAX_OUTPUT_CHARS, Sandbox, SandboxError


@pytest.fixture
def box(tmp_path: Path) -> Sandbox:
    return Sandbox(tmp_path / "coder")


def test_files_stay_inside_their_workspace(box: Sandbox) -> None:
    box.write_files("w", [("a/b.py", "x = 1\n")])
    assert (box.root / "w" / "a" / "b.py").read_text() == "x = 1\n"
    for path in ("../w2/evil.py", "/tmp/evil.py", "a/../../evil.py"):
        with pytest.raises(PolicyError):
            box.write_files("w", [(path, "x")])
    assert not (box.root / "w2").exists()


def test_workspace_names_cannot_reach_outside_the_root(box: Sandbox) -> None:
    for name in ("..", ".baseline", "a/b", "", "x" * 65):
        with pytest.raises(SandboxError, match="workspace name"):
            box.workspace(name)


def test_only_python_and_pytest_may_run(box: Sandbox) -> None:
    for command in (["bash", "-c", "id"], ["/usr/bin/python3", "-V"], ["sh"], []):
        with pytest.raises(SandboxError):
            box.run("w", command, 10)


def test_a_command_runs_in_its_workspace_with_a_clean_environment(box: Sandbox) -> None:
    box.write_files("w", [("hello.py", "import os, sys\nprint(os.getcwd()); print(sorted(os.environ))\nsys.exit(3)\n")])
    result = box.run("w", ["python", "hello.py"], 30)
    assert result.exit_code == 3 and not result.timed_out
    cwd, env = result.stdout.splitlines()[:2]
    assert Path(cwd) == box.root / "w"
    assert "OPENAI_API_KEY" not in env and "DJANGO_SETTINGS_MODULE" not in env


def test_a_command_past_its_timeout_is_killed_with_its_children(box: Sandbox) -> None:
    script = "import subprocess, sys, time\nsubprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\ntime.sleep(60)\n"
    box.write_files("w", [("slow.py", script)])
    started = time.monotonic()
    result = box.run("w", ["python", "slow.py"], 1)
    assert result.timed_out and result.exit_code < 0
    assert time.monotonic() - started < 10


def test_resource_limits_stop_a_runaway_allocation(box: Sandbox) -> None:
    box.write_files("w", [("big.py", "data = bytearray(4 * 1024 ** 3)\n")])
    result = box.run("w", ["python", "big.py"], 30)
    assert result.exit_code != 0 and "MemoryError" in result.stderr


def test_long_output_keeps_its_head_and_tail(box: Sandbox) -> None:
    box.write_files("w", [("loud.py", "print('first'); print('x' * 200_000); print('last')\n")])
    result = box.run("w", ["python", "loud.py"], 30)
    assert result.truncated and len(result.stdout) < MAX_OUTPUT_CHARS + 100
    assert result.stdout.startswith("first") and result.stdout.rstrip().endswith("last")


def test_pytest_ignores_the_configuration_of_folders_above_the_workspace(box: Sandbox) -> None:
    (box.root / "pytest.ini").write_text("[pytest]\naddopts = --no-such-option\n")
    box.write_files("w", [("test_ok.py", "def test_ok():\n    assert True\n")])
    result = box.run("w", ["pytest", "-q"], 60)
    assert result.exit_code == 0, result.stdout + result.stderr


def test_diff_is_against_the_workspace_as_first_seen(box: Sandbox) -> None:
    existing = box.root / "w"
    existing.mkdir(parents=True)
    (existing / "keep.py").write_text("a = 1\n")
    (existing / "gone.py").write_text("b = 2\n")
    box.write_files("w", [("keep.py", "a = 2\n"), ("new.py", "c = 3\n")])
    (existing / "gone.py").unlink()
    (existing / "__pycache__").mkdir()
    (existing / "__pycache__" / "x.pyc").write_bytes(b"\0")
    result = box.diff("w")
    assert [(c.path, c.change) for c in result.changes] == [
        ("gone.py", "deleted"),
        ("keep.py", "modified"),
        ("new.py", "added"),
    ]
    assert "-a = 1\n+a = 2\n" in result.diff and "--- a/gone.py\n+++ /dev/null" in result.diff


def test_the_mock_llm_returns_the_deterministic_draft_and_its_tests_pass(box: Sandbox) -> None:
    request = "Write a function word_count(text) that counts words"
    usages: list[object] = []
    plan = drafts.plan_change(MockProvider(), request, [], usages)  # type: ignore[arg-type]
    files = drafts.write_change(MockProvider(), request, plan, usages)  # type: ignore[arg-type]
    assert plan == drafts.draft_plan(request, []) and files == drafts.draft_files(request)
    assert [f.path for f in files.files] == ["word_count.py", "test_word_count.py"]
    box.write_files("w", [(f.path, f.content) for f in files.files])
    assert box.run("w", ["pytest", "-q"], 60).exit_code == 0


@pytest.mark.parametrize(
    ("request_text", "name"),
    [("Add slugify(text) for URLs", "slugify"), ("a parser for dates", "parser"), ("the", "feature"),
     ("test the thing", "feature_test"), ("import (x)", "feature_import")],
)  # fmt: skip
def test_the_subject_of_a_request_is_a_safe_module_name(request_text: str, name: str) -> None:
    assert drafts.subject(request_text) == name
