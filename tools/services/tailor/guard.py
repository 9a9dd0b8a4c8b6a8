"""The guard: generated text may only name employers, titles, dates and skills the resume has.

Deterministic and independent of the model. Structured fields are checked against the parsed
facts (an unknown employer drops its entry; a wrong title or dates are replaced by the resume's);
free text (summary, bullets, a letter) loses every sentence that names a year the resume does not
mention, or a capitalised name (a product, technology or company), an organisation after "at",
"for" or "joined", a job title ("Chief Technology Officer", "VP of Sales") or a role after "as"
that the allowed text does not mention. Everything taken out is reported.
"""

from __future__ import annotations

import re

from tools.services.tailor.draft import ClaimKind, Draft, DraftEntry, DroppedClaim
from tools.services.tailor.resume import ROLE_NOUNS, TITLE_WORDS, YEARS, Experience, ResumeFacts, normalise
from tools.services.tailor.terms import mentions

PUNCTUATION = "\"'()[]{},.;:!?*_`"
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
NAME = r"[A-Z][\w&.'-]*(?:\s+(?:(?:of|&|and|de|the)\s+)?[A-Z][\w&.'-]*)*"
ORGANISATION = re.compile(rf"\b(?:[Aa]t|[Ff]or|[Jj]oined|[Ww]orked for)\s+(?:the\s+)?({NAME})")
# A capitalised job title: up to three capitalised words, a role noun, maybe "of <Name>" (VP of Sales).
_CAPITAL_ROLES = "|".join(sorted({w.capitalize() for w in ROLE_NOUNS} | {w.upper() for w in ROLE_NOUNS if len(w) <= 4}))
TITLE = re.compile(rf"\b(?:[A-Z][\w&-]*\s+){{0,3}}(?:{_CAPITAL_ROLES})\b(?:\s+of\s+{NAME})?")
ROLE = re.compile(rf"\bas\s+(?:an?\s+|the\s+)?((?:[\w-]+\s+){{0,4}}?{TITLE_WORDS.pattern})", re.I)


def _in(allowed: str, phrase: str) -> bool:
    return normalise(phrase) in allowed


def check_sentence(sentence: str, facts: ResumeFacts, allowed: str) -> DroppedClaim | None:
    """The first unsupported claim in a sentence, if any. ``allowed`` is normalised text."""
    for year in YEARS.findall(sentence):
        if year not in facts.years:
            return DroppedClaim(kind="year", value=year, where="", action="dropped")
    for match in ORGANISATION.finditer(sentence):
        name = match.group(1).rstrip(".'")
        if not _in(allowed, name):
            return DroppedClaim(kind="employer", value=name, where="", action="dropped")
    roles = [m.group(0) for m in TITLE.finditer(sentence)] + [m.group(1) for m in ROLE.finditer(sentence)]
    for role in roles:
        if not _in(allowed, role):
            return DroppedClaim(kind="title", value=role, where="", action="dropped")
    for word in sentence.split()[1:]:  # the first word is capitalised anyway
        name = word.strip(PUNCTUATION)
        if name[:1].isupper() and not _in(allowed, name):
            return DroppedClaim(kind="name", value=name, where="", action="dropped")
    return None


def guard_text(text: str, facts: ResumeFacts, where: str, allowed: str) -> tuple[str, list[DroppedClaim]]:
    """The text without its unsupported sentences, and what was dropped."""
    kept: list[str] = []
    dropped: list[DroppedClaim] = []
    for sentence in SENTENCE.split(text.strip()):
        claim = check_sentence(sentence, facts, allowed)
        if claim is None:
            kept.append(sentence)
        else:
            dropped.append(claim.model_copy(update={"where": where, "value": f"{claim.value} ({sentence.strip()})"}))
    return " ".join(kept), dropped


def allowed_text(facts: ResumeFacts, *extra: str) -> str:
    return normalise(" ".join([facts.text, *extra]))


def _same_employer(claimed: str, known: str) -> bool:
    """Equal, or the resume's name shortened at a word boundary (Lumen Logistics / Lumen Logistics GmbH)."""
    return claimed == known or (len(claimed) >= 4 and known.startswith(claimed + " "))


def _source(entry: DraftEntry, facts: ResumeFacts) -> Experience | None:
    """The resume entry a draft entry stands for: same employer (allowing a shortened name), the
    same title preferred when the employer appears more than once."""
    employer = normalise(entry.employer)
    if not employer:
        return None
    same = [e for e in facts.experience if e.employer and _same_employer(employer, normalise(e.employer))]
    titled = [e for e in same if normalise(e.title) == normalise(entry.title)]
    return next(iter(titled or same), None)


def guard_entry(
    index: int, entry: DraftEntry, facts: ResumeFacts, allowed: str
) -> tuple[DraftEntry | None, Experience | None, list[DroppedClaim]]:
    where = f"experience[{index}]"
    source = _source(entry, facts)
    if source is None:
        claim = DroppedClaim(kind="employer", value=entry.employer, where=where, action="dropped")
        return None, None, [claim]
    dropped: list[DroppedClaim] = []
    checks: list[tuple[ClaimKind, str, str]] = [
        ("title", entry.title, source.title),
        ("dates", entry.dates, source.dates),
    ]
    for kind, value, truth in checks:
        if value.strip() and normalise(value) != normalise(truth):
            dropped.append(DroppedClaim(kind=kind, value=value, where=where, action="replaced", replacement=truth))
    bullets: list[str] = []
    for n, bullet in enumerate(entry.bullets):
        text, claims = guard_text(bullet, facts, f"{where}.bullets[{n}]", allowed)
        dropped += claims
        if text.strip():
            bullets.append(text)
    guarded = DraftEntry(employer=source.employer, title=source.title, dates=source.dates, bullets=bullets)
    return guarded, source, dropped


def guard_draft(draft: Draft, facts: ResumeFacts) -> tuple[Draft, list[DroppedClaim]]:
    """The draft with only supported employers, titles, dates, skills and sentences."""
    allowed = allowed_text(facts)
    summary, dropped = guard_text(draft.summary, facts, "summary", allowed)
    entries: list[DraftEntry] = []
    seen: set[int] = set()
    for index, entry in enumerate(draft.experience):
        guarded, source, claims = guard_entry(index, entry, facts, allowed)
        dropped += claims
        if guarded is not None and source is not None and id(source) not in seen:
            seen.add(id(source))
            entries.append(guarded)
    skills = []
    for skill in draft.skills:
        if mentions(facts.text, skill.strip()):
            skills.append(skill.strip())
        else:
            dropped.append(DroppedClaim(kind="skill", value=skill, where="skills", action="dropped"))
    return Draft(summary=summary, experience=entries, skills=list(dict.fromkeys(skills))), dropped
