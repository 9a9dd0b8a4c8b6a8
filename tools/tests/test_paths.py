"""A relative path stays inside its root, whatever it tries."""

from __future__ import annotations

import pytest

from tools.errors import PolicyError
from tools.paths import safe_join


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("../etc/passwd", ".."),
        ("a/../../b", ".."),
        ("/etc/passwd", "absolute"),
        ("a\x00b", "NUL"),
        ("a\\..\\b", "separators"),
    ],
)
def test_escapes_are_refused_with_a_reason(tmp_path, path, reason):
    with pytest.raises(PolicyError, match=reason):
        safe_join(tmp_path, path)


def test_a_symlink_out_of_the_root_is_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("s")
    root = tmp_path / "root"
    root.mkdir()
    (root / "link").symlink_to(outside)
    with pytest.raises(PolicyError, match="escapes"):
        safe_join(root, "link/secret.txt")


def test_normal_paths_resolve_inside(tmp_path):
    assert safe_join(tmp_path, "a/b.md") == (tmp_path / "a" / "b.md").resolve()
    assert safe_join(tmp_path, "./c.md") == (tmp_path / "c.md").resolve()
