"""Deterministic drafts: what the offline mock LLM answers, and the example a real LLM is shown.

``draft_from_goal`` turns a goal and its context into a plain first version; ``apply_feedback``
applies critique deterministically (a section per missing requirement, structural repairs).
"""

from __future__ import annotations

import re

from tools.documents.model import (
    MAX_LINE,
    MAX_SECTIONS,
    Block,
    BulletList,
    DocumentSpec,
    NumberedList,
    Paragraph,
    Section,
)
from tools.documents.quality import STRUCTURE, repair, requirements_in

_LEADING_VERB = re.compile(
    r"^\s*(please\s+)?(write|draft|create|produce|prepare|generate|make|compose)\s+(me\s+)?(a|an|the)?\s*", re.I
)
_BULLET = re.compile(r"^\s*([-*•]|\d+[.)])\s+")


def title_for(goal: str) -> str:
    """'Write a memo about the office move.' → 'Memo about the office move'."""
    text = _LEADING_VERB.sub("", goal.strip()).rstrip(" .!") or goal.strip() or "Document"
    return (text[0].upper() + text[1:])[:200]


def _context_blocks(context: str) -> list[Block]:
    """Context lines become paragraphs; runs of '- item' / '1. item' lines become a bullet list."""
    blocks: list[Block] = []
    items: list[str] = []
    for line in context.splitlines():
        if _BULLET.match(line):
            items.append(_BULLET.sub("", line).strip()[:MAX_LINE])
            continue
        if items:
            blocks.append(BulletList(items=items))
            items = []
        if line.strip():
            blocks.append(Paragraph(text=line.strip()))
    if items:
        blocks.append(BulletList(items=items))
    return blocks[:50]


def draft_from_goal(goal: str, context: str = "") -> DocumentSpec:
    """A plain first version: purpose, the context given, scope and next steps."""
    sections = [
        Section(heading="Purpose", blocks=[Paragraph(text=f"This document answers the goal: {goal.strip()}")]),
    ]
    if context.strip():
        sections.append(Section(heading="Context", blocks=_context_blocks(context)))
    sections += [
        Section(
            heading="Scope",
            blocks=[BulletList(items=[f"In scope: {title_for(goal)}", "Out of scope: anything the goal does not ask"])],
        ),
        Section(
            heading="Next steps",
            blocks=[NumberedList(items=["Review this draft", "Fill in the open points", "Agree on owners and dates"])],
        ),
    ]
    return DocumentSpec(title=title_for(goal), sections=sections)


def _heading_for(requirement: str) -> str:
    text = requirement.strip().rstrip(".")
    return (text[0].upper() + text[1:])[:80] if text else "Requirement"


def apply_feedback(spec: DocumentSpec, feedback: list[str]) -> DocumentSpec:
    """Structural feedback → ``repair``; each missing requirement → a section that addresses it."""
    improved = repair(spec) if any(line.startswith(STRUCTURE) for line in feedback) else spec
    sections = list(improved.sections)
    for requirement in requirements_in(feedback):
        block = Paragraph(text=f"This section addresses the requirement: {requirement}"[:MAX_LINE])
        heading = _heading_for(requirement)
        same = next((i for i, s in enumerate(sections) if s.heading.casefold() == heading.casefold()), None)
        if same is not None:
            sections[same] = sections[same].model_copy(update={"blocks": [*sections[same].blocks, block]})
        elif len(sections) < MAX_SECTIONS:
            sections.append(Section(heading=heading, blocks=[block]))
    return improved.model_copy(update={"sections": sections})
