"""AWE is installed from its lock and run from the checkout; `pip install .` says so."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from deploy.not_a_library import MESSAGE

ROOT = Path(__file__).resolve().parents[2]


def test_pip_install_of_the_checkout_refuses_saying_how_awe_is_installed():
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--no-deps", "--disable-pip-version-check", str(ROOT)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0
    assert MESSAGE in " ".join((done.stdout + done.stderr).split())  # pip may wrap the line
