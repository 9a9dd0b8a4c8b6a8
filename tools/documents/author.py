"""Writing and revising a DocumentSpec with the LLM, its answer checked against the model.

An answer that is not a valid DocumentSpec is sent back with the validation errors (at most
``MAX_FIXES`` times); still invalid, the call fails permanently, naming the first bad field.
"""

from __future__ import annotations

import json

from pydantic import ValidationError

from tools.documents.draft import apply_feedback, draft_from_goal
from tools.documents.model import DocumentSpec
from tools.errors import CancelledError, PermanentToolError
from tools.llm.base import LLMResult, Message
from tools.llm.providers import worker_provider
from tools.spec import ToolContext

MAX_FIXES = 2
SYSTEM = (
    "You write clear, well-structured documents. Answer with one JSON object matching the "
    "DocumentSpec schema: a title, optional metadata (author, subject, keywords), and sections "
    "(heading, level 1-3, blocks of kind paragraph, bullets, numbered, table or code). Every "
    "table row has one cell per column. Use only facts from the goal and the context."
)


def _fenced(spec: DocumentSpec) -> str:
    return "```json\n" + json.dumps(spec.model_dump(mode="json"), indent=1) + "\n```"


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"- {line}" for line in lines) or "- (none)"


def _parse(result: LLMResult) -> tuple[DocumentSpec | None, str, str | None]:
    """The spec, or the errors to send back and the first bad field."""
    if result.data is None:
        return None, "the answer is not a JSON object", None
    try:
        return DocumentSpec.model_validate(result.data), "", None
    except ValidationError as exc:
        errors = exc.errors()
        lines = [f"{'.'.join(str(p) for p in e['loc']) or '(document)'}: {e['msg']}" for e in errors[:8]]
        field = ".".join(str(p) for p in errors[0]["loc"]) or None
        return None, "; ".join(lines), field


def complete_spec(messages: list[Message], ctx: ToolContext) -> DocumentSpec:
    """Ask for a DocumentSpec; feed validation errors back up to ``MAX_FIXES`` times."""
    provider = worker_provider()
    schema = DocumentSpec.model_json_schema()
    conversation = list(messages)
    errors, field = "", None
    for _ in range(1 + MAX_FIXES):
        if ctx.cancelled():
            raise CancelledError("documents: cancelled")
        result = provider.complete(conversation, json_schema=schema, schema_name="DocumentSpec")
        ctx.report_usage(result.usage)
        spec, errors, field = _parse(result)
        if spec is not None:
            return spec
        conversation += [
            Message("assistant", result.text[:20_000]),
            Message("user", f"That is not a valid DocumentSpec: {errors}\nAnswer again with the corrected JSON."),
        ]
    raise PermanentToolError(f"the LLM gave no valid DocumentSpec in {1 + MAX_FIXES} attempts: {errors}", field=field)


def generate_spec(goal: str, context: str, requirements: list[str], ctx: ToolContext) -> DocumentSpec:
    """A first version for a goal. The deterministic draft is the example (and the mock's answer)."""
    prompt = (
        f"Write a document for this goal.\n\nGoal: {goal}\n\nContext:\n{context or '(none)'}\n\n"
        f"Requirements it must cover:\n{_bullets(requirements)}\n\n"
        f"A plain starting draft to improve on:\n{_fenced(draft_from_goal(goal, context))}"
    )
    return complete_spec([Message("system", SYSTEM), Message("user", prompt)], ctx)


def improve_spec(spec: DocumentSpec, feedback: list[str], ctx: ToolContext) -> DocumentSpec:
    """A revision that applies the feedback. The mechanical revision is the example (and the
    mock's answer); the current document goes in its own message before it."""
    current = "The current document:\n" + json.dumps(spec.model_dump(mode="json"), indent=1)
    prompt = (
        f"Revise the document. Apply every point of this feedback and keep what is good:\n{_bullets(feedback)}\n\n"
        f"A mechanical revision to improve on:\n{_fenced(apply_feedback(spec, feedback))}"
    )
    return complete_spec([Message("system", SYSTEM), Message("user", current), Message("user", prompt)], ctx)
