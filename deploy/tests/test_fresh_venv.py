"""The production footprint from a venv of requirements.txt alone (no dev packages): web, worker
and beat on PostgreSQL + Redis run the seed goal and a coder `implement` whose tests pass.

Catches a runtime import that only the dev requirements satisfy (kombu's Redis transport needs
`packaging`, the coder service runs pytest). Deselect with ``-m "not fresh_venv"``; the venv is
cached per lock (deploy/tests/fresh_venv.py), so only a changed requirements.txt pays its build.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

import pytest

from deploy.tests.fresh_venv import BUILD_TIMEOUT_S, VENV_OWN, fresh_venv, installed_packages, locked_packages

pytestmark = [pytest.mark.integration, pytest.mark.production, pytest.mark.fresh_venv]

SEED = {"goal": "Generate an implementation checklist and artifact summary", "context_json": {}, "priority": 1}
CODER = {
    "goal": "Add a slugify function with its tests",
    "plan": {"tasks": [{"id": "code", "tool": "mcp.coder.implement",
                        "inputs": {"request": "Add a function slugify(text) for URLs"}}]},
}  # fmt: skip
# Imports every module of the project but tests and entry points, under the production settings.
IMPORT_ALL = """
import importlib, pkgutil
names = []
for package in ("awe_project", "jobs", "planner", "executor", "tools", "frontend"):
    for info in pkgutil.walk_packages(importlib.import_module(package).__path__, package + "."):
        parts = info.name.split(".")
        if "tests" not in parts and parts[-1] != "__main__":
            importlib.import_module(info.name)
            names.append(info.name)
print(len(names))
"""


def _report(request: pytest.FixtureRequest, line: str) -> None:
    """A line in the test run's output (outside output capture), so a CI log shows the timing."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.ensure_newline()
            reporter.write_line(line)


@pytest.mark.timeout(BUILD_TIMEOUT_S + 300)
def test_requirements_txt_alone_runs_the_production_footprint(stack_factory: Any, request: pytest.FixtureRequest):
    started = time.monotonic()
    venv = fresh_venv()
    _report(
        request,
        f"fresh venv of requirements.txt: {'reused from the cache' if venv.reused else 'built'} at {venv.path} "
        f"(its build took {venv.build_seconds:.0f} s; this run waited {time.monotonic() - started:.0f} s)",
    )
    installed = {name: v for name, v in installed_packages(venv.python).items() if name not in VENV_OWN}
    assert installed == locked_packages()  # exactly the lock: no dev package, nothing missing

    phases: dict[str, float] = {}
    mark = time.monotonic()

    def phase(name: str) -> None:
        nonlocal mark
        phases[name], mark = time.monotonic() - mark, time.monotonic()

    stack = stack_factory(
        "production",
        python=venv.python,
        PATH=f"{venv.path / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        VIRTUAL_ENV=str(venv.path),
        PYTHONPATH="",
        AWE_RECONCILE_INTERVAL_S="1",
        # The built-in coder over stdio, as by default, with time to start on a busy shared machine
        # (a worker looks its tools up after claiming the task and before its heartbeat starts:
        # beats 20 s apart let that lookup take up to a minute before the reconciler steps in).
        AWE_HEARTBEAT_S="20",
        AWE_MCP_SERVERS=json.dumps([{"name": "coder", "transport": "stdio", "command": [venv.python, "-m",
                                    "tools.services.coder"], "timeout_s": 300, "connect_timeout_s": 60,
                                    "inherit_env": True}]),
    )  # fmt: skip
    phase("migrate")
    imported = stack.manage("shell", "-c", IMPORT_ALL)
    assert int(imported.stdout.split()[-1]) > 50, imported.stdout
    phase("import every module")

    stack.start_web()
    stack.start_worker()
    beat = stack.start_beat()
    ready = stack.get("/readyz")
    assert ready.status_code == 200, ready.text  # the broker check imports kombu's Redis transport
    phase("web, worker and beat up")

    seed = stack.wait(stack.submit(SEED)["id"], timeout=120)
    assert seed["status"] == "succeeded", stack.logs()
    artifacts = stack.get(f"/api/jobs/{seed['id']}/details").json()["artifacts"]
    assert "summary.md" in {a["name"] for a in artifacts}
    phase("seed goal")

    coder = stack.wait(stack.submit(CODER)["id"], timeout=240)
    assert coder["status"] == "succeeded", stack.logs()
    [task] = stack.get(f"/api/jobs/{coder['id']}/tasks").json()
    assert task["output"]["passed"] is True, task["output"]["tests"]
    assert task["output"]["tests"]["exit_code"] == 0
    phase("coder implement")

    # Beat sends the reconciler every second and the worker runs it.
    deadline = time.monotonic() + 60
    worker_log = stack.data_dir / "worker-w1.log"
    while time.monotonic() < deadline and "Task executor.reconcile[" not in worker_log.read_text(errors="replace"):
        time.sleep(0.5)
    assert beat.poll() is None, stack.logs()
    assert "Sending due task reconcile" in (stack.data_dir / "beat.log").read_text(errors="replace")
    assert "Task executor.reconcile[" in worker_log.read_text(errors="replace"), stack.logs()
    phase("reconciler sent by beat")
    _report(request, "fresh venv production start: " + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items()))
