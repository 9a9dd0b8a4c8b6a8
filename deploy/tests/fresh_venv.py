"""A virtualenv holding requirements.txt alone, as an operator (or the image) installs it.

Built with pip in hash-checking mode from the lock, nothing else. The build takes a minute or
more, so it is kept between runs under AWE_FRESH_VENV_CACHE (default ~/.cache/awe/fresh-venv),
keyed on the lock's content and the Python version: any change to requirements.txt builds a new
one. Entries unused for UNUSED_DAYS are removed.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.txt"
CACHE = Path(os.environ.get("AWE_FRESH_VENV_CACHE") or Path.home() / ".cache" / "awe" / "fresh-venv")
BUILD_TIMEOUT_S = 600
UNUSED_DAYS = 3
DONE = "awe-built.json"
# What `python -m venv` puts in every venv, beside the lock's packages.
VENV_OWN = {"pip", "setuptools", "wheel"}
PINNED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


@dataclass(frozen=True)
class FreshVenv:
    path: Path
    build_seconds: float  # how long pip took to build it
    reused: bool  # taken from the cache rather than built by this run

    @property
    def python(self) -> str:
        return str(self.path / "bin" / "python")


def lock_key() -> str:
    digest = hashlib.sha256(LOCK.read_bytes())
    digest.update(f"{platform.python_version()} {platform.machine()}".encode())
    return digest.hexdigest()[:16]


def locked_packages() -> dict[str, str]:
    """The lock's packages for this interpreter and platform (markers applied): name → version."""
    packages = {}
    for line in LOCK.read_text().splitlines():
        match = PINNED.match(line)
        if match and (match[3] is None or Marker(match[3]).evaluate()):
            packages[canonicalize_name(match[1])] = match[2]
    return packages


def installed_packages(python: str) -> dict[str, str]:
    code = "import importlib.metadata as m, json; print(json.dumps({d.name: d.version for d in m.distributions()}))"
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True, timeout=60).stdout
    return {canonicalize_name(name): version for name, version in json.loads(out).items()}


def _holds_the_lock(python: str) -> bool:
    try:
        installed = installed_packages(python)
    except (OSError, subprocess.SubprocessError, ValueError):
        return False
    return {name: v for name, v in installed.items() if name not in VENV_OWN} == locked_packages()


def fresh_venv() -> FreshVenv:
    """The cached venv of this lock, built now if there is none (one build at a time per lock)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    key = lock_key()
    path = CACHE / key
    with open(CACHE / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a concurrent run building this lock: wait, then reuse it
        done = path / DONE
        if done.is_file() and _holds_the_lock(str(path / "bin" / "python")):
            os.utime(done)
            return FreshVenv(path, float(json.loads(done.read_text())["seconds"]), reused=True)
        shutil.rmtree(path, ignore_errors=True)  # a build that did not finish, or was changed since
        start = time.monotonic()
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=120)
        install = subprocess.run(
            [str(path / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check", "--quiet",
             "--require-hashes", "-r", str(LOCK)],
            capture_output=True, text=True, timeout=BUILD_TIMEOUT_S,
        )  # fmt: skip
        if install.returncode != 0:
            raise RuntimeError(f"pip install --require-hashes -r requirements.txt failed:\n{install.stderr[-4000:]}")
        seconds = time.monotonic() - start
        done.write_text(
            json.dumps({"seconds": round(seconds, 1), "lock": hashlib.sha256(LOCK.read_bytes()).hexdigest()})
        )
    _prune(keep=key)
    return FreshVenv(path, seconds, reused=False)


def _prune(keep: str) -> None:
    """Remove the venvs of other locks that no run has used for UNUSED_DAYS (nor is building now)."""
    cutoff = time.time() - UNUSED_DAYS * 86400
    for entry in CACHE.iterdir():
        if not entry.is_dir() or entry.name == keep:
            continue
        done = entry / DONE
        if done.is_file() and done.stat().st_mtime > cutoff:
            continue
        with open(CACHE / f"{entry.name}.lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # being built or used right now
            shutil.rmtree(entry, ignore_errors=True)
        (CACHE / f"{entry.name}.lock").unlink(missing_ok=True)
