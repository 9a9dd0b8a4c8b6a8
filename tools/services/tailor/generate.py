"""Generation: a tailored draft and a cover letter from the resume's facts, through the LLM, then
the guard.

Each call puts a deterministic suggestion in a ```json block of the prompt: the mock provider
answers with it (offline, reproducible), a real model starts from it. Whatever comes back passes
the guard (``guard.py``) before anyone sees it.
"""

from __future__ import annotations

from pydantic import BaseModel, ValidationError

from tools.llm.base import LLMProvider, Message
from tools.services.tailor.draft import Draft, DraftEntry, DroppedClaim, LetterDraft
from tools.services.tailor.guard import allowed_text, guard_draft, guard_text
from tools.services.tailor.job import JobPost
from tools.services.tailor.providers import quote
from tools.services.tailor.resume import ResumeFacts
from tools.services.tailor.terms import covered, key_terms, mentions
from tools.services.tailor.usage import Spent

FIRST_ROUND_BULLETS = 3
# Irregular past tenses a resume bullet often starts with (regular ones end in -ed).
PAST_TENSE = frozenset(
    ["built", "drove", "grew", "led", "made", "ran", "set", "taught", "took", "won", "wrote", "cut", "began", "brought"]
)
SYSTEM = (
    "You tailor resumes and cover letters to a job post. Use only facts from the resume: never invent "
    "or change employers, job titles, dates, degrees, numbers or skills. You may reorder, shorten and "
    "rephrase to put the job's requirements first. Answer with JSON matching the schema."
)


def relevance(text: str, job: JobPost) -> int:
    return len(covered(text, job.keywords))


def wanted_terms(job: JobPost, feedback: list[str]) -> list[str]:
    """The job's terms the evaluator's feedback asks for."""
    asked = key_terms(" ".join(feedback))
    return [t for t in job.keywords if t in asked]


def _emphasis(facts: ResumeFacts, job: JobPost) -> list[str]:
    """The resume's own names for what the job asks (its skills first), in the job's order."""
    names = [skill for term in job.keywords for skill in facts.skills if mentions(skill, term) and len(skill) < 40]
    return list(dict.fromkeys(names))


def mirrored(facts: ResumeFacts, job: JobPost, wanted: list[str]) -> list[str]:
    """The job's own words for the requirements the resume fully meets (every name they spell out
    is in the resume), for those the feedback asks about (all of them when it names none)."""
    met = [r for r in job.requirements if r.fully_met_by(facts.text)]
    asked = [r for r in met if not wanted or covered(r.text, wanted)]
    return [r.phrase() for r in asked if r.phrase()]


def suggest_draft(facts: ResumeFacts, job: JobPost, round_no: int, feedback: list[str]) -> Draft:
    """The deterministic draft of a round. Round 1 keeps each role's most relevant bullets, the
    most relevant first; round 2 brings back the bullets that mention what the feedback (all of it
    so far) asks for and names the requirements the resume meets in the job's own words; round 3
    also brings back every bullet that mentions any of the job's terms."""
    wanted = wanted_terms(job, feedback)
    entries = []
    for entry in facts.experience:
        ranked = sorted(entry.bullets, key=lambda b: -relevance(b, job))
        keep = ranked[:FIRST_ROUND_BULLETS]
        extra = ranked[FIRST_ROUND_BULLETS:]
        if round_no >= 3:
            keep += [b for b in extra if relevance(b, job)]
        elif round_no == 2:
            keep += [b for b in extra if covered(b, wanted)]
        entries.append(DraftEntry(employer=entry.employer, title=entry.title, dates=entry.dates, bullets=keep))
    summary = facts.summary
    phrases = mirrored(facts, job, wanted) if round_no >= 2 else []
    if phrases:
        summary = f"{summary} Relevant to this role: {'; '.join(phrases)}.".strip()
    skills = sorted(facts.skills, key=lambda s: -relevance(s, job))
    return Draft(summary=summary, experience=entries, skills=skills)


def _complete(
    provider: LLMProvider, prompt: str, schema: type[BaseModel], suggestion: BaseModel, spent: Spent
) -> tuple[dict[str, object] | None, str]:
    """The model's JSON answer (or None, with the reason) for a prompt that ends with the suggestion."""
    block = f"```json\n{suggestion.model_dump_json(indent=1)}\n```"
    result = provider.complete(
        [Message("system", SYSTEM), Message("user", f"{prompt}\n\nStart from this draft:\n{block}")],
        json_schema=schema.model_json_schema(),
        schema_name=schema.__name__.lower(),
    )
    spent.add(result.usage)
    if not isinstance(result.data, dict):
        return None, "the model's answer was not a JSON object"
    return result.data, ""


def generate_draft(
    facts: ResumeFacts, job: JobPost, round_no: int, feedback: list[str], provider: LLMProvider, spent: Spent
) -> tuple[Draft, list[DroppedClaim], list[str]]:
    """One round's guarded draft, what the guard dropped, and warnings."""
    suggestion = suggest_draft(facts, job, round_no, feedback)
    asks = "\n".join(f"- {r.text}" for r in job.requirements) or "(none listed)"
    notes = "\n".join(f"- {line}" for line in feedback) or "(first round)"
    prompt = (
        f"Job post: {job.title}\nRequirements:\n{asks}\n\nFeedback on earlier versions:\n{notes}\n\n"
        f"Resume:\n```text\n{quote(facts.text)}\n```"
    )
    data, problem = _complete(provider, prompt, Draft, suggestion, spent)
    warnings: list[str] = []
    try:
        draft = Draft.model_validate(data) if data is not None else suggestion
    except ValidationError as exc:
        draft, problem = suggestion, f"the model's draft did not match the schema ({exc.error_count()} errors)"
    if problem:
        warnings.append(f"round {round_no}: {problem}; the deterministic draft was used")
    guarded, dropped = guard_draft(draft, facts)
    return guarded, dropped, warnings


def _as_sentence(bullet: str) -> str:
    """A resume bullet continuing a letter's sentence: "Led the migration." -> "I led the migration."."""
    first = bullet.split(maxsplit=1)[0].lower() if bullet.strip() else ""
    text = bullet.rstrip(" .;") + "."
    if first.endswith("ed") or first in PAST_TENSE:
        return f"I {text[0].lower()}{text[1:]}"
    return f"one highlight: {text}"


def suggest_letter(facts: ResumeFacts, job: JobPost) -> LetterDraft:
    role = job.title or "advertised"
    at = f" at {job.company}" if job.company else ""
    paragraphs = [f"I am writing to apply for the {role} position{at}."]
    for n, entry in enumerate(facts.experience[:2]):
        best = sorted(entry.bullets, key=lambda b: -relevance(b, job))[:1]
        if not best or not entry.employer:
            continue
        current = "present" in entry.dates.lower() or "current" in entry.dates.lower()
        opening = ("In my current role" if current else "In my role") if n == 0 else "Before that,"
        title = f" as {entry.title}" if entry.title else ""
        paragraphs.append(f"{opening}{title} at {entry.employer}, {_as_sentence(best[0])}")
    emphasis = _emphasis(facts, job)
    if emphasis:
        listed = f"{', '.join(emphasis[:-1])} and {emphasis[-1]}" if len(emphasis) > 1 else emphasis[0]
        paragraphs.append(f"My experience with {listed} matches what you are looking for.")
    paragraphs.append(f"I would welcome the chance to discuss how I can help {job.company or 'your team'}.")
    return LetterDraft(paragraphs=paragraphs)


def generate_letter(
    facts: ResumeFacts, job: JobPost, provider: LLMProvider, spent: Spent
) -> tuple[list[str], list[DroppedClaim], list[str]]:
    """The cover letter's guarded paragraphs (the hiring company may be named), drops and warnings."""
    suggestion = suggest_letter(facts, job)
    prompt = (
        f"Write a short cover letter (paragraphs only, no greeting or signature) for this job post:\n"
        f"```text\n{quote(job.text)}\n```\n\nResume:\n```text\n{quote(facts.text)}\n```"
    )
    data, problem = _complete(provider, prompt, LetterDraft, suggestion, spent)
    try:
        letter = LetterDraft.model_validate(data) if data is not None else suggestion
    except ValidationError as exc:
        letter, problem = suggestion, f"the model's letter did not match the schema ({exc.error_count()} errors)"
    warnings = [f"{problem}; the deterministic letter was used"] if problem else []
    allowed = allowed_text(facts, job.text)
    paragraphs: list[str] = []
    dropped: list[DroppedClaim] = []
    for n, paragraph in enumerate(letter.paragraphs):
        text, claims = guard_text(paragraph, facts, f"letter[{n}]", allowed)
        dropped += claims
        if text.strip():
            paragraphs.append(text)
    return paragraphs, dropped, warnings


def letter_text(facts: ResumeFacts, paragraphs: list[str]) -> str:
    signature = f"Kind regards,\n{facts.name}" if facts.name else "Kind regards"
    return "\n\n".join(["Dear Hiring Manager,", *paragraphs, signature]) + "\n"
