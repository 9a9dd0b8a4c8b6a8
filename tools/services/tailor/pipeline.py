"""Tailoring end to end: parse, generate and guard, evaluate, improve until good enough."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tools.documents.model import DocumentSpec
from tools.documents.render import to_markdown
from tools.errors import PermanentToolError
from tools.llm.providers import worker_provider as generation_provider
from tools.services.tailor.document import letter_spec, resume_spec
from tools.services.tailor.draft import DroppedClaim
from tools.services.tailor.evaluate import Evaluation, evaluate
from tools.services.tailor.generate import generate_draft, generate_letter, letter_text
from tools.services.tailor.job import parse_job
from tools.services.tailor.resume import ResumeFacts, parse_resume
from tools.services.tailor.usage import Spent

DEFAULT_THRESHOLD = 0.8
DEFAULT_MAX_ROUNDS = 3


class Round(BaseModel):
    round: int
    score: float
    feedback: list[str]


class TailoredResume(BaseModel):
    document: DocumentSpec = Field(description="the tailored resume (the best-scoring round)")
    markdown: str
    score: float = Field(description="the evaluator's score of the returned resume, 0..1")
    evaluation_mode: str
    rounds: list[Round]
    dropped_claims: list[DroppedClaim] = Field(
        description="employers, titles, dates, years or skills the guard removed"
    )
    warnings: list[str]
    usage: Spent


class CoverLetter(BaseModel):
    text: str
    document: DocumentSpec
    markdown: str
    dropped_claims: list[DroppedClaim]
    warnings: list[str]
    usage: Spent


def _facts(resume: str) -> ResumeFacts:
    facts = parse_resume(resume)
    if not facts.experience and not facts.skills and not facts.summary:
        raise PermanentToolError("the resume has no recognisable summary, experience or skills section", field="resume")
    return facts


def _unique(claims: list[DroppedClaim]) -> list[DroppedClaim]:
    return list({c.model_dump_json(): c for c in claims}.values())


def tailor_resume(
    resume: str, job_description: str, threshold: float = DEFAULT_THRESHOLD, max_rounds: int = DEFAULT_MAX_ROUNDS
) -> TailoredResume:
    """Rounds of generate → guard → evaluate; each round gets all feedback so far. Stops at
    ``threshold`` or after ``max_rounds`` and returns the best-scoring round's resume."""
    if not 1 <= max_rounds <= 10:
        raise PermanentToolError("max_rounds must be between 1 and 10", field="max_rounds")
    if not 0 <= threshold <= 1:
        raise PermanentToolError("threshold must be between 0 and 1", field="threshold")
    facts, job = _facts(resume), parse_job(job_description)
    provider, spent = generation_provider(), Spent()
    rounds: list[Round] = []
    dropped: list[DroppedClaim] = []
    warnings: list[str] = []
    best: tuple[Evaluation, DocumentSpec, str] | None = None
    feedback: list[str] = []
    for number in range(1, max_rounds + 1):
        draft, claims, notes = generate_draft(facts, job, number, feedback, provider, spent)
        dropped += claims
        warnings += notes
        spec = resume_spec(facts, draft, job)
        markdown = to_markdown(spec)
        grade = evaluate(markdown, job, spent, generator=provider)
        rounds.append(Round(round=number, score=grade.score, feedback=grade.feedback))
        if best is None or grade.score >= best[0].score:
            best = (grade, spec, markdown)
        if grade.score >= threshold:
            break
        feedback = list(dict.fromkeys(feedback + grade.feedback))  # everything asked so far
    assert best is not None  # max_rounds >= 1
    grade, spec, markdown = best
    return TailoredResume(
        document=spec, markdown=markdown, score=grade.score, evaluation_mode=grade.mode, rounds=rounds,
        dropped_claims=_unique(dropped), warnings=warnings, usage=spent,
    )  # fmt: skip


def cover_letter(resume: str, job_description: str) -> CoverLetter:
    facts, job = _facts(resume), parse_job(job_description)
    spent = Spent()
    paragraphs, dropped, warnings = generate_letter(facts, job, generation_provider(), spent)
    spec = letter_spec(facts, job, paragraphs)
    return CoverLetter(
        text=letter_text(facts, paragraphs), document=spec, markdown=to_markdown(spec),
        dropped_claims=_unique(dropped), warnings=warnings, usage=spent,
    )  # fmt: skip
