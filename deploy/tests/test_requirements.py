"""requirements.txt and requirements-dev.txt are the locks `make lock` writes from the .in files:
every package pinned with hashes, every direct requirement in them at its chosen version."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
FIX = "add the package to requirements.in (or requirements-dev.in) and run `make lock`"


def _entries(lock: Path) -> dict[str, tuple[str, list[str]]]:
    """name → (version, hashes) of each requirement in a lock (continuation lines joined)."""
    text = re.sub(r"\\\n", " ", lock.read_text())
    entries = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()  # a hash holds no "#"
        if not line or line.startswith("-"):
            continue
        requirement, *options = line.split(" --")
        parsed = Requirement(requirement.strip())
        pins = [s.version for s in parsed.specifier if s.operator == "=="]
        assert len(pins) == 1, f"{lock.name}: {requirement.strip()!r} is not pinned with ==; {FIX}"
        hashes = [o.split("=", 1)[1] for o in options if o.startswith("hash=")]
        entries[canonicalize_name(parsed.name)] = (pins[0], hashes)
    return entries


def _direct(source: Path) -> list[Requirement]:
    requirements = []
    for line in source.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            requirements.append(Requirement(line))
    return requirements


@pytest.mark.parametrize("lock", ["requirements.txt", "requirements-dev.txt"])
def test_every_locked_package_is_pinned_with_hashes_by_make_lock(lock):
    path = ROOT / lock
    assert "#    make lock" in path.read_text().splitlines()[1], f"{lock} was not written by `make lock`"
    entries = _entries(path)
    assert len(entries) > 50
    unhashed = sorted(name for name, (_, hashes) in entries.items() if not hashes)
    assert unhashed == [], f"{lock}: no hash for {unhashed}; {FIX}"


@pytest.mark.parametrize(("source", "lock"), [("requirements.in", "requirements.txt"),
                                              ("requirements-dev.in", "requirements-dev.txt")])  # fmt: skip
def test_each_direct_requirement_is_locked_at_a_version_it_allows(source, lock):
    entries = _entries(ROOT / lock)
    for requirement in _direct(ROOT / source):
        name = canonicalize_name(requirement.name)
        assert name in entries, f"{requirement} of {source} is not in {lock}: run `make lock`"
        assert requirement.specifier.contains(entries[name][0]), f"{lock} has {name}=={entries[name][0]}, " \
            f"{source} wants {requirement}: run `make lock`"  # fmt: skip


def test_the_dev_lock_holds_the_runtime_lock_at_the_same_versions():
    runtime, dev = _entries(ROOT / "requirements.txt"), _entries(ROOT / "requirements-dev.txt")
    differ = {name: (version, dev.get(name, ("missing",))[0]) for name, (version, _) in runtime.items()
              if dev.get(name, ("",))[0] != version}  # fmt: skip
    assert differ == {}, f"runtime vs dev lock: {differ}; run `make lock`"


def test_the_runtime_lock_has_what_the_services_import_and_no_dev_tool():
    runtime = _entries(ROOT / "requirements.txt")
    assert {"packaging", "pytest", "drf-spectacular-sidecar"} <= set(runtime)  # kombu's Redis transport, coder
    assert not {"ruff", "mypy", "pytest-django", "hypothesis", "playwright", "uv"} & set(runtime)
