"""The evaluator: how well a resume (Markdown) answers a job post, as a score in 0..1 and feedback.

Independent of generation: it sees only the finished Markdown and the job post. Modes
(``TAILOR_EVAL_MODE``): ``heuristic`` (default) scores requirement and keyword coverage and
structure; ``self`` asks the generation provider to grade; ``llm`` asks the evaluator provider
(``TAILOR_EVAL_PROVIDER`` with ``TAILOR_EVAL_OPENAI_*``). The LLM modes get the heuristic grade
as a starting point in a ```json block, which is also what the offline mock answers with.
"""

from __future__ import annotations

from django.conf import settings
from pydantic import BaseModel, Field, ValidationError

from tools.errors import PermanentToolError
from tools.llm.base import LLMProvider, Message
from tools.llm.providers import worker_provider as generation_provider
from tools.services.tailor.job import JobPost, parse_job
from tools.services.tailor.providers import evaluator_provider, quote
from tools.services.tailor.resume import BULLET, HEADING, SECTION_NAMES
from tools.services.tailor.terms import covered, mentions
from tools.services.tailor.usage import Spent

MODES = ("llm", "heuristic", "self")
WEIGHTS = {"requirements": 0.55, "keywords": 0.25, "structure": 0.2}
WORDS = (150, 1000)  # a resume's comfortable length
MAX_FEEDBACK = 30  # lines passed on, most important first
JUDGE = (
    "You review resumes for recruiters. Grade how well the resume answers the job post: the "
    "requirements it evidences, the job's key terms, and clear structure (summary, experience with "
    "bullets, skills, education, sensible length). Answer JSON: score between 0 and 1, and feedback: "
    "short, concrete lines on what to improve, naming the missing requirements."
)


class Grade(BaseModel):
    score: float = Field(ge=0, le=1)
    feedback: list[str] = Field(default_factory=list)


class Evaluation(Grade):
    mode: str = "heuristic"


def _structure(markdown: str) -> tuple[float, list[str]]:
    headings = [
        HEADING.sub(r"\2", line).strip().rstrip(":").lower() for line in markdown.split("\n") if HEADING.match(line)
    ]
    feedback = [
        f"Add a section: {key.capitalize()}."
        for key, names in SECTION_NAMES.items()
        if not any(h in names for h in headings)
    ]  # fmt: skip
    bullets = sum(1 for line in markdown.split("\n") if BULLET.match(line))
    if bullets < 3:
        feedback.append("Describe achievements as bullet points under each role.")
    words = len(markdown.split())
    if words < WORDS[0]:
        feedback.append(f"The resume is short ({words} words); add evidence for the requirements.")
    elif words > WORDS[1]:
        feedback.append(f"The resume is long ({words} words); cut what the job does not ask for.")
    checks = len(SECTION_NAMES) + 2
    return (checks - len(feedback)) / checks, feedback


def heuristic(markdown: str, job: JobPost) -> Evaluation:
    if not job.requirements and not job.keywords:
        raise PermanentToolError(
            "the job post has no requirements or key terms to grade against", field="job_description"
        )
    weights = {id(r): 0.5 if r.optional else 1.0 for r in job.requirements}
    met = [r for r in job.requirements if r.met_by(markdown)]
    total = sum(weights.values())
    requirements = sum(weights[id(r)] for r in met) / total if total else 1.0
    keywords = len(covered(markdown, job.keywords)) / len(job.keywords) if job.keywords else 1.0
    structure, layout = _structure(markdown)
    unmet: dict[bool, list[str]] = {False: [], True: []}
    for r in job.requirements:
        if r not in met:
            missing = ", ".join(t for t in (r.names or r.terms) if not mentions(markdown, t))
            kind = "Nice-to-have not addressed" if r.optional else "Requirement not addressed"
            unmet[r.optional].append(f"{kind}: {r.text} (missing: {missing})")
    absent = [t for t in job.keywords if not mentions(markdown, t)]
    terms = [f"Key terms of the job post not mentioned: {', '.join(absent)}"] if absent else []
    feedback = [*unmet[False], *unmet[True], *layout, *terms][:MAX_FEEDBACK]
    parts = {"requirements": requirements, "keywords": keywords, "structure": structure}
    score = round(sum(WEIGHTS[k] * v for k, v in parts.items()), 4)
    return Evaluation(score=score, feedback=feedback, mode="heuristic")


def llm_grade(provider: LLMProvider, markdown: str, job: JobPost, hint: Evaluation, spent: Spent) -> Grade:
    reference = hint.model_dump_json(include={"score", "feedback"}, indent=1)
    prompt = (
        f"Job post:\n```text\n{quote(job.text)}\n```\n\nResume:\n```text\n{quote(markdown)}\n```\n\n"
        f"A keyword check graded it like this; give your own grade:\n```json\n{reference}\n```"
    )
    result = provider.complete(
        [Message("system", JUDGE), Message("user", prompt)], json_schema=Grade.model_json_schema(), schema_name="grade"
    )
    spent.add(result.usage)
    try:
        return Grade.model_validate(result.data)
    except ValidationError as exc:
        raise PermanentToolError(
            f"the {provider.name} evaluator's answer is not {{score: 0..1, feedback: [...]}}: {result.text[:200]!r}"
        ) from exc


def evaluate(
    markdown: str, job: JobPost | str, spent: Spent | None = None, *, mode: str | None = None,
    generator: LLMProvider | None = None,
) -> Evaluation:  # fmt: skip
    """Grade ``markdown`` against a job post with ``mode`` (default ``TAILOR_EVAL_MODE``)."""
    post = parse_job(job) if isinstance(job, str) else job
    chosen = mode or settings.TAILOR_EVAL_MODE
    hint = heuristic(markdown, post)
    if chosen == "heuristic":
        return hint
    if chosen not in MODES:
        raise PermanentToolError(f"TAILOR_EVAL_MODE={chosen!r} is not one of {', '.join(MODES)}")
    provider = (generator or generation_provider()) if chosen == "self" else evaluator_provider()
    grade = llm_grade(provider, markdown, post, hint, spent if spent is not None else Spent())
    return Evaluation(score=grade.score, feedback=grade.feedback[:MAX_FEEDBACK], mode=chosen)
