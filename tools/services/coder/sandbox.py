"""The coder's sandbox: named workspaces under one root, paths that cannot leave them,
allow-listed programs run under resource limits, and a diff against each workspace's first state.

This is a guardrail, not a jail: an allowed ``python`` can still do what the service's user can
(see docs/tools.md); run the service in its own container where that matters.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tools.paths import safe_join

WORKSPACE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
BASELINES = ".baseline"  # <root>/.baseline/<name>: each workspace as the service first saw it
IGNORED_DIRS = frozenset({"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".git"})
MAX_FILES = 200
MAX_FILE_BYTES = 1_000_000
MAX_OUTPUT_CHARS = 64_000
MAX_DIFF_CHARS = 200_000
MAX_TIMEOUT_S = 600.0
# Limits of every command, on top of its wall-clock timeout (CPU time follows the timeout).
ADDRESS_SPACE_BYTES = 2 * 1024**3
FILE_SIZE_BYTES = 32 * 1024**2
MAX_PROCESSES = 256
# The programs a command may name, and what each runs: the service's own interpreter.
PROGRAMS: dict[str, list[str]] = {
    "python": [sys.executable],
    "pytest": [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"],
}


class SandboxError(ValueError):
    """A request the sandbox refuses: a bad workspace name, a program not allowed, too much data."""


@dataclass(frozen=True)
class RunResult:
    exit_code: int
    stdout: str
    stderr: str
    duration_s: float
    timed_out: bool
    truncated: bool


@dataclass(frozen=True)
class Change:
    path: str
    change: Literal["added", "modified", "deleted"]


@dataclass(frozen=True)
class Diff:
    diff: str
    changes: list[Change]
    truncated: bool


class Sandbox:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        (self.root / BASELINES).mkdir(parents=True, exist_ok=True)

    def workspace(self, name: str) -> Path:
        """The workspace ``name``, created empty on first use; its baseline is recorded then."""
        if not WORKSPACE_NAME.match(name):
            raise SandboxError(f"workspace name {name!r} must match {WORKSPACE_NAME.pattern}")
        path = self.root / name
        path.mkdir(exist_ok=True)
        baseline = self.root / BASELINES / name
        if not baseline.exists():
            staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=self.root / BASELINES))
            shutil.copytree(path, staging, symlinks=True, ignore=_ignored, dirs_exist_ok=True)
            try:
                staging.rename(baseline)
            except OSError:  # another call recorded it first: keep theirs
                shutil.rmtree(staging, ignore_errors=True)
        return path

    def write_files(self, name: str, files: Iterable[tuple[str, str]]) -> list[tuple[str, int]]:
        """Write UTF-8 files (replacing atomically, creating folders); returns (path, bytes) each."""
        items = list(files)
        if len(items) > MAX_FILES:
            raise SandboxError(f"at most {MAX_FILES} files per call, not {len(items)}")
        workspace = self.workspace(name)
        targets = [(rel, safe_join(workspace, rel), content.encode()) for rel, content in items]
        for rel, _, data in targets:
            if len(data) > MAX_FILE_BYTES:
                raise SandboxError(f"{rel}: {len(data)} bytes is over the {MAX_FILE_BYTES} byte limit")
        written = []
        for rel, target, data in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.tmp")
            tmp.write_bytes(data)
            tmp.replace(target)
            written.append((rel, len(data)))
        return written

    def run(self, name: str, command: list[str], timeout_s: float) -> RunResult:
        """Run an allow-listed program in the workspace with a timeout and resource limits."""
        if not 0 < timeout_s <= MAX_TIMEOUT_S:
            raise SandboxError(f"timeout_s must be in (0, {MAX_TIMEOUT_S:g}]")
        workspace = self.workspace(name)
        argv = self._argv(command, workspace)
        env = {
            "PATH": os.defpath,
            "HOME": str(workspace),
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONNOUSERSITE": "1",
            "PYTHONUNBUFFERED": "1",
        }
        cpu_s = int(timeout_s) + 1
        with tempfile.TemporaryDirectory(prefix="coder-run-") as tmp:
            out_path, err_path = Path(tmp) / "stdout", Path(tmp) / "stderr"
            with out_path.open("wb") as out, err_path.open("wb") as err:
                started = time.monotonic()
                proc = subprocess.Popen(  # argv comes from the allow-list (_argv)
                    argv, cwd=workspace, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                    start_new_session=True, preexec_fn=lambda: _limit(cpu_s),
                )  # fmt: skip
                try:
                    exit_code, timed_out = proc.wait(timeout=timeout_s), False
                except subprocess.TimeoutExpired:
                    _kill_group(proc.pid)
                    exit_code, timed_out = proc.wait(), True
                finally:
                    _kill_group(proc.pid)  # whatever the command left running in its session
                duration = time.monotonic() - started
            stdout, cut_out = _capped(out_path)
            stderr, cut_err = _capped(err_path)
        return RunResult(exit_code, stdout, stderr, round(duration, 3), timed_out, cut_out or cut_err)

    def diff(self, name: str) -> Diff:
        """A unified diff (difflib) of the workspace against its baseline."""
        workspace = self.workspace(name)
        before, after = _files(self.root / BASELINES / name), _files(workspace)
        chunks: list[str] = []
        changes: list[Change] = []
        for rel in sorted(before.keys() | after.keys()):
            old, new = before.get(rel), after.get(rel)
            if old == new:
                continue
            changes.append(Change(rel, "added" if old is None else "deleted" if new is None else "modified"))
            chunks.append(_file_diff(rel, old, new))
        text = "".join(chunks)
        truncated = len(text) > MAX_DIFF_CHARS
        if truncated:
            text = text[:MAX_DIFF_CHARS] + f"\n[diff cut at {MAX_DIFF_CHARS} characters]\n"
        return Diff(text, changes, truncated)

    def _argv(self, command: list[str], workspace: Path) -> list[str]:
        if not command:
            raise SandboxError("command is empty")
        program, *args = command
        base = PROGRAMS.get(program)
        if base is None:
            raise SandboxError(f"program {program!r} is not allowed; allowed: {', '.join(sorted(PROGRAMS))}")
        if program == "pytest":
            # The workspace is its own project: never pick up a pytest config from a parent folder.
            own = workspace / "pytest.ini"
            return [*base, "--rootdir", str(workspace), "-c", str(own) if own.is_file() else os.devnull, *args]
        return [*base, *args]


def _limit(cpu_s: int) -> None:
    """In the child, before exec: only setrlimit calls (no imports, no locks)."""
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_BYTES, ADDRESS_SPACE_BYTES))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_BYTES, FILE_SIZE_BYTES))
    resource.setrlimit(resource.RLIMIT_NPROC, (MAX_PROCESSES, MAX_PROCESSES))


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # the group is already gone
        os.killpg(pid, signal.SIGKILL)


def _capped(path: Path) -> tuple[str, bool]:
    """A command's output: whole if short, else its head and its tail (where pytest's summary is)."""
    text = path.read_bytes().decode(errors="replace")
    if len(text) <= MAX_OUTPUT_CHARS:
        return text, False
    head, tail = MAX_OUTPUT_CHARS // 4, MAX_OUTPUT_CHARS - MAX_OUTPUT_CHARS // 4
    return f"{text[:head]}\n[... {len(text) - head - tail} characters cut ...]\n{text[-tail:]}", True


def _ignored(folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n in IGNORED_DIRS or (Path(folder) / n).is_symlink()}


def _files(root: Path) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    if not root.is_dir():
        return found
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in IGNORED_DIRS and not (Path(folder) / d).is_symlink())
        for name in names:
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def _lines(data: bytes | None) -> list[str] | None:
    if data is None:
        return []
    try:
        text = data.decode()
    except UnicodeDecodeError:
        return None
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def _file_diff(rel: str, old: bytes | None, new: bytes | None) -> str:
    before, after = _lines(old), _lines(new)
    source = "/dev/null" if old is None else f"a/{rel}"
    target = "/dev/null" if new is None else f"b/{rel}"
    if before is None or after is None:
        return f"Binary files {source} and {target} differ\n"
    return "".join(difflib.unified_diff(before, after, fromfile=source, tofile=target))
