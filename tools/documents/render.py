"""Rendering a DocumentSpec: Word (.docx, python-docx) and Markdown."""

from __future__ import annotations

import io

from docx import Document as new_document
from docx.document import Document
from docx.shared import Pt

from tools.documents.model import Block, BulletList, CodeBlock, DocumentSpec, NumberedList, Paragraph, Table

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MARKDOWN_CONTENT_TYPE = "text/markdown"
MONOSPACE = "Consolas"
TABLE_STYLE = "Light Grid Accent 1"
# Metadata keys that have a place in the .docx core properties.
CORE_PROPERTIES = ("author", "subject", "keywords", "category", "comments")


def to_docx(spec: DocumentSpec) -> bytes:
    """The document as .docx bytes: Title style, Heading 1-3, list styles, styled tables, code."""
    doc = new_document()
    doc.add_heading(spec.title, level=0)
    props = doc.core_properties
    props.title = spec.title
    for key in CORE_PROPERTIES:
        if key in spec.metadata:
            setattr(props, key, spec.metadata[key])
    for section in spec.sections:
        doc.add_heading(section.heading, level=section.level)
        for block in section.blocks:
            _add_block(doc, block)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _add_block(doc: Document, block: Block) -> None:
    if isinstance(block, Paragraph):
        doc.add_paragraph(block.text)
    elif isinstance(block, BulletList):
        for item in block.items:
            doc.add_paragraph(item, style="List Bullet")
    elif isinstance(block, NumberedList):
        for item in block.items:
            doc.add_paragraph(item, style="List Number")
    elif isinstance(block, Table):
        _add_table(doc, block)
    else:
        _add_code(doc, block)


def _add_table(doc: Document, block: Table) -> None:
    if not block.columns:
        return
    table = doc.add_table(rows=1 + len(block.rows), cols=len(block.columns))
    table.style = TABLE_STYLE
    for cell, name in zip(table.rows[0].cells, block.columns, strict=True):
        cell.text = name
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row, values in zip(table.rows[1:], block.rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value


def _add_code(doc: Document, block: CodeBlock) -> None:
    paragraph = doc.add_paragraph(style="No Spacing")
    run = paragraph.add_run(block.code)
    run.font.name = MONOSPACE
    run.font.size = Pt(9)


def to_markdown(spec: DocumentSpec) -> str:
    """The document as Markdown: the title as '#', sections one level below it."""
    lines = [f"# {spec.title}", ""]
    if spec.metadata:
        lines += [f"- **{key}**: {value}" for key, value in spec.metadata.items()] + [""]
    for section in spec.sections:
        lines += [f"{'#' * (section.level + 1)} {section.heading}", ""]
        for block in section.blocks:
            lines += [*_markdown_block(block), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def _markdown_block(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [block.text]
    if isinstance(block, BulletList):
        return [f"- {item}" for item in block.items]
    if isinstance(block, NumberedList):
        return [f"{n}. {item}" for n, item in enumerate(block.items, start=1)]
    if isinstance(block, Table):
        if not block.columns:
            return []
        header = "| " + " | ".join(_cell(c) for c in block.columns) + " |"
        rule = "|" + "|".join(" --- " for _ in block.columns) + "|"
        return [header, rule, *("| " + " | ".join(_cell(v) for v in row) + " |" for row in block.rows)]
    fence = "````" if "```" in block.code else "```"
    return [f"{fence}{block.language}", block.code.rstrip("\n"), fence]
