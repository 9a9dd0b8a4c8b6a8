"""The web app's own checks (Vitest unit tests, the TypeScript strict type check) run with the
Python suite, so `make test` covers them. They need frontend/node_modules (`make frontend`)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import unavailable

FRONTEND = Path(__file__).resolve().parents[1]


def _require_node_modules() -> str:
    npm = shutil.which("npm")
    if npm and (FRONTEND / "node_modules").is_dir():
        return npm
    missing = "npm is not installed" if not npm else "frontend/node_modules is missing"
    unavailable(f"{missing}: run `make frontend` (npm ci) to run the web app's tests")


def _run(script: str) -> subprocess.CompletedProcess[str]:
    npm = _require_node_modules()
    env = {**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0", "CI": "true"}
    return subprocess.run(
        [npm, "run", script], cwd=FRONTEND, env=env, capture_output=True, text=True, timeout=280, check=False
    )


def test_web_app_unit_tests_pass():
    result = _run("test")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert " passed" in output and " failed" not in output, output[-2000:]


def test_web_app_type_checks_under_strict_typescript():
    result = _run("typecheck")
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
