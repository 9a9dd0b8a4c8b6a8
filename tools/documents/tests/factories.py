"""Small builders of DocumentSpecs for the tests."""

from __future__ import annotations

from typing import Any

from tools.documents.model import DocumentSpec


def section(heading: str, *blocks: dict[str, Any], level: int = 1) -> dict[str, Any]:
    return {"heading": heading, "level": level, "blocks": list(blocks)}


def para(text: str) -> dict[str, Any]:
    return {"kind": "paragraph", "text": text}


def bullets(*items: str) -> dict[str, Any]:
    return {"kind": "bullets", "items": list(items)}


def numbered(*items: str) -> dict[str, Any]:
    return {"kind": "numbered", "items": list(items)}


def table(columns: list[str], *rows: list[str]) -> dict[str, Any]:
    return {"kind": "table", "columns": columns, "rows": list(rows)}


def code(text: str, language: str = "python") -> dict[str, Any]:
    return {"kind": "code", "language": language, "code": text}


def raw_doc(*sections: dict[str, Any], title: str = "Release plan", **metadata: str) -> dict[str, Any]:
    return {"title": title, "metadata": metadata, "sections": list(sections)}


def doc(*sections: dict[str, Any], title: str = "Release plan", **metadata: str) -> DocumentSpec:
    return DocumentSpec.model_validate(raw_doc(*sections, title=title, **metadata))


def full_doc() -> DocumentSpec:
    """One of every block, three heading levels and metadata."""
    return doc(
        section("Overview", para("We ship version 2.0 in May.")),
        section("Tasks", bullets("Freeze the branch", "Tag the release"), level=2),
        section("Order", numbered("Build", "Test", "Deploy"), level=3),
        section("Owners", table(["Area", "Owner"], ["Backend", "Ana"], ["Frontend", "Ben"])),
        section("Commands", code("make release\nmake deploy", "bash")),
        author="Ana Lima",
        subject="Release 2.0",
        keywords="release, plan",
        team="platform",
    )
