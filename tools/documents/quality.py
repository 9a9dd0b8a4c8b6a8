"""Document quality, as pure functions: what is wrong, what can be fixed, how well it covers a brief."""

from __future__ import annotations

import re
from collections import Counter

from tools.documents.model import (
    Block,
    BulletList,
    CodeBlock,
    DocumentSpec,
    NumberedList,
    Paragraph,
    Section,
    Table,
)

MISSING = "Missing requirement: "
STRUCTURE = "Structure: "
# A requirement counts as covered when this share of its keywords appears in the document.
COVERED_SHARE = 0.6
COVERAGE_WEIGHT = 0.7
PROBLEM_PENALTY = 0.2

_STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "how", "in", "into", "is",
    "it", "its", "of", "on", "or", "our", "should", "that", "the", "their", "this", "to", "was", "were", "what",
    "when", "which", "who", "will", "with", "must", "need", "needs", "include", "includes", "including",
    "about", "each", "all", "any", "can", "your", "you", "we", "us",
})  # fmt: skip


def _is_parent(sections: list[Section], index: int) -> bool:
    """A section with no blocks is a parent heading when the next section sits below it."""
    return index + 1 < len(sections) and sections[index + 1].level > sections[index].level


def _block_problems(where: str, block: Block) -> list[str]:
    if isinstance(block, Paragraph) and not block.text.strip():
        return [f"{where} has an empty paragraph"]
    if isinstance(block, BulletList | NumberedList):
        if not any(item.strip() for item in block.items):
            return [f"{where} has an empty list"]
        if any(not item.strip() for item in block.items):
            return [f"{where} has a list with blank items"]
    if isinstance(block, Table):
        if not block.columns or not block.rows:
            return [f"{where} has an empty table"]
        if any(not name.strip() for name in block.columns):
            return [f"{where} has a table column without a name"]
    if isinstance(block, CodeBlock) and not block.code.strip():
        return [f"{where} has an empty code block"]
    return []


def problems(spec: DocumentSpec) -> list[str]:
    """Structural problems a reader would notice, in document order; empty when none."""
    found: list[str] = []
    previous = 0
    for index, section in enumerate(spec.sections):
        where = f"section {index + 1} {section.heading!r}"
        if not section.heading.strip():
            found.append(f"section {index + 1} has a blank heading")
        if section.level > previous + 1:
            found.append(f"{where} jumps from heading level {previous} to {section.level}")
        previous = section.level
        if not section.blocks and not _is_parent(spec.sections, index):
            found.append(f"{where} is empty")
        for block in section.blocks:
            found.extend(_block_problems(where, block))
    counts = Counter(s.heading.strip().casefold() for s in spec.sections)
    for heading, count in counts.items():
        if count > 1:
            found.append(f"heading {heading!r} appears {count} times")
    return found


def _repair_block(block: Block) -> Block | None:
    """The block with blank parts removed, or None when nothing is left of it."""
    if isinstance(block, Paragraph):
        return block.model_copy(update={"text": block.text.strip()}) if block.text.strip() else None
    if isinstance(block, BulletList | NumberedList):
        items = [item.strip() for item in block.items if item.strip()]
        return block.model_copy(update={"items": items}) if items else None
    if isinstance(block, Table):
        if not block.columns or not block.rows:
            return None
        columns = [name.strip() or f"Column {n}" for n, name in enumerate(block.columns, start=1)]
        return block.model_copy(update={"columns": columns})
    return block if block.code.strip() else None


def repair(spec: DocumentSpec) -> DocumentSpec:
    """Fix what can be fixed without judgement: blank blocks and empty tables go, duplicate
    headings merge into the first, level jumps close up, empty leaf sections go (unless the
    document would be left with none)."""
    merged: list[Section] = []
    by_heading: dict[str, int] = {}
    for number, section in enumerate(spec.sections, start=1):
        blocks = [b for b in (_repair_block(block) for block in section.blocks) if b is not None]
        heading = section.heading.strip() or f"Section {number}"
        key = heading.casefold()
        if key in by_heading:
            first = merged[by_heading[key]]
            merged[by_heading[key]] = first.model_copy(update={"blocks": [*first.blocks, *blocks]})
            continue
        by_heading[key] = len(merged)
        merged.append(section.model_copy(update={"heading": heading, "blocks": blocks}))
    kept: list[Section] = []
    for section in reversed(merged):  # from the end, so a parent whose subsections all go goes too
        if section.blocks or (kept and kept[0].level > section.level):
            kept.insert(0, section)
    kept = kept or merged[:1]
    levelled: list[Section] = []
    previous = 0
    for section in kept:
        level = min(section.level, previous + 1)
        levelled.append(section.model_copy(update={"level": level}))
        previous = level
    return DocumentSpec.model_validate(
        {**spec.model_dump(), "title": spec.title.strip() or spec.title, "sections": [s.model_dump() for s in levelled]}
    )


def _stem(word: str) -> str:
    return word.lower().rstrip("s")[:6]


def _stems(text: str) -> set[str]:
    words = re.findall(r"[A-Za-z0-9][A-Za-z0-9+#.-]*[A-Za-z0-9+#]|[A-Za-z0-9]", text)
    return {_stem(w) for w in words if len(w) > 2 and w.lower() not in _STOPWORDS}


def text_of(spec: DocumentSpec) -> str:
    """All the words of the document, for keyword checks."""
    parts = [spec.title, *spec.metadata.values()]
    for section in spec.sections:
        parts.append(section.heading)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                parts.append(block.text)
            elif isinstance(block, BulletList | NumberedList):
                parts.extend(block.items)
            elif isinstance(block, Table):
                parts.extend([*block.columns, *(cell for row in block.rows for cell in row)])
            else:
                parts.append(block.code)
    return "\n".join(parts)


def missing(spec: DocumentSpec, requirements: list[str]) -> list[str]:
    """The requirements the document does not cover (too few of their keywords appear)."""
    present = _stems(text_of(spec))
    gaps = []
    for requirement in requirements:
        wanted = _stems(requirement)
        if wanted and len(wanted & present) / len(wanted) < COVERED_SHARE:
            gaps.append(requirement)
    return gaps


def score(spec: DocumentSpec, requirements: list[str]) -> tuple[float, list[str]]:
    """A 0..1 score, 70 % requirement coverage and 30 % structure, with one feedback line per
    missing requirement (``Missing requirement: ...``) and per problem (``Structure: ...``)."""
    wanted = [r.strip() for r in requirements if r.strip()]
    gaps = missing(spec, wanted)
    found = problems(spec)
    coverage = 1.0 - len(gaps) / len(wanted) if wanted else 1.0
    structure = max(0.0, 1.0 - PROBLEM_PENALTY * len(found))
    value = round(COVERAGE_WEIGHT * coverage + (1 - COVERAGE_WEIGHT) * structure, 4)
    return value, [f"{MISSING}{gap}" for gap in gaps] + [f"{STRUCTURE}{problem}" for problem in found]


def requirements_in(feedback: list[str]) -> list[str]:
    """The requirements named by ``Missing requirement:`` feedback lines."""
    return [
        line[len(MISSING) :].strip() for line in feedback if line.startswith(MISSING) and line[len(MISSING) :].strip()
    ]
