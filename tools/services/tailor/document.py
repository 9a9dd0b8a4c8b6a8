"""Laying a guarded draft and a letter out as DocumentSpecs (rendered to .docx / Markdown elsewhere)."""

from __future__ import annotations

from tools.documents.model import MAX_LINE as LINE
from tools.documents.model import Block, BulletList, DocumentSpec, Paragraph, Section
from tools.services.tailor.draft import Draft
from tools.services.tailor.job import JobPost
from tools.services.tailor.resume import BULLET, ResumeFacts


def _target(job: JobPost) -> str:
    return f"{job.title} at {job.company}" if job.title and job.company else job.title or job.company


def _extra_blocks(lines: list[str]) -> list[Block]:
    bullets = [BULLET.sub("", line, count=1).strip() for line in lines if BULLET.match(line)]
    prose = " ".join(line.strip() for line in lines if not BULLET.match(line))
    blocks: list[Block] = [Paragraph(text=prose)] if prose else []
    return [*blocks, BulletList(items=[b[:LINE] for b in bullets])] if bullets else blocks


def resume_spec(facts: ResumeFacts, draft: Draft, job: JobPost) -> DocumentSpec:
    """Name as the title; contact, summary, one level-2 section per role ("Title — Employer", dates,
    bullets), skills, education and the resume's other sections as they were."""
    sections: list[Section] = []
    if facts.contact:
        sections.append(Section(heading="Contact", blocks=[Paragraph(text=" · ".join(facts.contact))]))
    if draft.summary:
        sections.append(Section(heading="Summary", blocks=[Paragraph(text=draft.summary)]))
    if draft.experience:
        sections.append(Section(heading="Experience"))
    for entry in draft.experience:
        heading = " — ".join(part for part in (entry.title, entry.employer) if part)
        blocks: list[Block] = [Paragraph(text=entry.dates)] if entry.dates else []
        if entry.bullets:
            blocks.append(BulletList(items=[b[:LINE] for b in entry.bullets]))
        sections.append(Section(heading=heading[:200], level=2, blocks=blocks))
    if draft.skills:
        sections.append(Section(heading="Skills", blocks=[Paragraph(text=", ".join(draft.skills))]))
    if facts.education:
        sections.append(Section(heading="Education", blocks=[BulletList(items=[e[:LINE] for e in facts.education])]))
    for extra in facts.other:
        sections.append(Section(heading=extra.heading[:200], blocks=_extra_blocks(extra.lines)))
    if not sections:
        sections.append(Section(heading="Summary", blocks=[Paragraph(text=facts.text.strip()[:LINE])]))
    # No "subject: <job title>": the resume is graded against the job and must not quote it.
    metadata = {"author": facts.name[:LINE]} if facts.name else {}
    return DocumentSpec(title=(facts.name or "Resume")[:200], metadata=metadata, sections=sections)


def letter_spec(facts: ResumeFacts, job: JobPost, paragraphs: list[str]) -> DocumentSpec:
    blocks: list[Block] = [Paragraph(text="Dear Hiring Manager,")]
    blocks += [Paragraph(text=p) for p in paragraphs]
    blocks.append(Paragraph(text=f"Kind regards,\n{facts.name}" if facts.name else "Kind regards"))
    heading = f"Application for {_target(job)}" if _target(job) else "Application"
    metadata = {"author": facts.name[:LINE]} if facts.name else {}
    title = f"Cover letter — {facts.name}" if facts.name else "Cover letter"
    return DocumentSpec(title=title[:200], metadata=metadata, sections=[Section(heading=heading[:200], blocks=blocks)])
