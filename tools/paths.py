"""Path safety shared by tools and download endpoints: a relative path stays inside its root."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from tools.errors import PolicyError


def safe_join(root: Path, relative: str) -> Path:
    """Resolve ``relative`` inside ``root`` or raise ``PolicyError``.

    Refused: empty paths, NUL bytes, absolute paths, ``..`` components, and anything that
    resolves outside the root through a symlink. The message never says whether a file exists.
    """
    if not relative or not relative.strip():
        raise PolicyError("path is empty", field="path")
    if "\x00" in relative:
        raise PolicyError("path contains a NUL byte", field="path")
    if "\\" in relative:
        raise PolicyError("path must use '/' separators", field="path")
    pure = PurePosixPath(relative)
    if pure.is_absolute():
        raise PolicyError("path must be relative, not absolute", field="path")
    if any(part == ".." for part in pure.parts):
        raise PolicyError("path must not contain '..'", field="path")
    root_resolved = root.resolve()
    target = (root_resolved / pure).resolve()
    if target != root_resolved and root_resolved not in target.parents:
        raise PolicyError("path escapes its root", field="path")
    return target
