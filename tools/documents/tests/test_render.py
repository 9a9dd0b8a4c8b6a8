"""The document model and its renderers: a .docx a reader opens in Word, and Markdown."""

from __future__ import annotations

import io

import pytest
from docx import Document
from pydantic import ValidationError

from tools.documents.model import DocumentSpec
from tools.documents.render import MONOSPACE, TABLE_STYLE, to_docx, to_markdown
from tools.documents.tests.factories import doc, full_doc, raw_doc, section, table


def _paragraphs(data: bytes) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in Document(io.BytesIO(data)).paragraphs]


def test_the_docx_has_the_title_headings_by_level_and_list_styles():
    paragraphs = _paragraphs(to_docx(full_doc()))
    assert paragraphs[0] == ("Title", "Release plan")
    headings = [(style, text) for style, text in paragraphs if style.startswith("Heading")]
    assert headings == [
        ("Heading 1", "Overview"),
        ("Heading 2", "Tasks"),
        ("Heading 3", "Order"),
        ("Heading 1", "Owners"),
        ("Heading 1", "Commands"),
    ]
    assert [t for s, t in paragraphs if s == "List Bullet"] == ["Freeze the branch", "Tag the release"]
    assert [t for s, t in paragraphs if s == "List Number"] == ["Build", "Test", "Deploy"]
    assert ("Normal", "We ship version 2.0 in May.") in paragraphs


def test_the_docx_table_has_a_header_row_the_cells_and_a_style():
    word = Document(io.BytesIO(to_docx(full_doc())))
    [tbl] = word.tables
    assert tbl.style.name == TABLE_STYLE
    assert [[cell.text for cell in row.cells] for row in tbl.rows] == [
        ["Area", "Owner"],
        ["Backend", "Ana"],
        ["Frontend", "Ben"],
    ]
    assert all(run.bold for cell in tbl.rows[0].cells for run in cell.paragraphs[0].runs)


def test_the_docx_sets_code_in_a_monospace_font_and_metadata_in_core_properties():
    word = Document(io.BytesIO(to_docx(full_doc())))
    [code] = [p for p in word.paragraphs if "make release" in p.text]
    assert code.text == "make release\nmake deploy"
    assert {run.font.name for run in code.runs} == {MONOSPACE}
    props = word.core_properties
    assert (props.title, props.author, props.subject, props.keywords) == (
        "Release plan",
        "Ana Lima",
        "Release 2.0",
        "release, plan",
    )


def test_markdown_nests_sections_under_the_title():
    text = to_markdown(full_doc())
    assert text.startswith("# Release plan\n\n- **author**: Ana Lima\n")
    assert "\n## Overview\n\nWe ship version 2.0 in May.\n" in text
    assert "\n### Tasks\n\n- Freeze the branch\n- Tag the release\n" in text
    assert "\n#### Order\n\n1. Build\n2. Test\n3. Deploy\n" in text
    assert "| Area | Owner |\n| --- | --- |\n| Backend | Ana |\n| Frontend | Ben |\n" in text
    assert "```bash\nmake release\nmake deploy\n```\n" in text


def test_markdown_escapes_pipes_in_cells_and_fences_code_that_contains_fences():
    spec = doc(
        section("Data", table(["a|b"], ["x|y"])),
        section("Snippet", {"kind": "code", "language": "md", "code": "```py\nx\n```"}),
    )
    text = to_markdown(spec)
    assert "| a\\|b |" in text and "| x\\|y |" in text
    assert "````md\n```py\nx\n```\n````" in text


def test_a_table_row_of_the_wrong_width_is_refused():
    with pytest.raises(ValidationError, match="row 1 has 1 cells but the table has 2 columns"):
        DocumentSpec.model_validate(raw_doc(section("Data", table(["a", "b"], ["1", "2"], ["3"]))))


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"title": ""}, "title"),
        ({"sections": []}, "sections"),
        ({"sections": [{"heading": "H", "level": 4}]}, "level"),
        ({"sections": [{"heading": "H", "blocks": [{"kind": "quote", "text": "x"}]}]}, "quote"),
        ({"extra": 1}, "extra"),
    ],
)
def test_the_model_refuses_bad_documents(change, where):
    with pytest.raises(ValidationError, match=where):
        DocumentSpec.model_validate({**raw_doc(section("H")), **change})


def test_the_json_schema_requires_every_block_to_say_its_kind():
    defs = DocumentSpec.model_json_schema()["$defs"]
    for name in ("Paragraph", "BulletList", "NumberedList", "Table", "CodeBlock"):
        assert defs[name]["required"][0] == "kind"
        assert defs[name]["additionalProperties"] is False
