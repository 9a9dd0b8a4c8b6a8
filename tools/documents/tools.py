"""The documents tool family: generate, validate, improve and iterate on a DocumentSpec, and
render it to Word and Markdown artifacts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from tools.documents import quality
from tools.documents.author import generate_spec, improve_spec
from tools.documents.model import DocumentSpec
from tools.documents.render import DOCX_CONTENT_TYPE, MARKDOWN_CONTENT_TYPE, to_docx, to_markdown
from tools.errors import CancelledError
from tools.paths import safe_join
from tools.registry import tool
from tools.spec import ToolContext

Requirement = Annotated[str, Field(min_length=1, max_length=500)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GenerateIn(_Model):
    goal: str = Field(min_length=1, max_length=5_000, description="What the document is for")
    context: str = Field(default="", max_length=50_000, description="Facts the document may use")
    requirements: list[Requirement] = Field(default_factory=list, max_length=50)


class SpecOut(_Model):
    spec: DocumentSpec
    problems: list[str] = Field(description="Structural problems left after repair")


@tool("documents.generate", input=GenerateIn, output=SpecOut, timeout_s=180, queue="llm")
def generate(inp: GenerateIn, ctx: ToolContext) -> SpecOut:
    """Write a structured document (DocumentSpec: title, sections, paragraphs, lists, tables, code)
    for a goal and optional context with the LLM."""
    spec = quality.repair(generate_spec(inp.goal, inp.context, inp.requirements, ctx))
    return SpecOut(spec=spec, problems=quality.problems(spec))


class ValidateIn(_Model):
    spec: DocumentSpec


class ValidateOut(_Model):
    valid: bool = Field(description="True when the spec as given has no problems")
    problems: list[str]
    repaired: DocumentSpec
    remaining: list[str] = Field(description="Problems the repair could not fix")


@tool("documents.validate", input=ValidateIn, output=ValidateOut, timeout_s=30)
def validate(inp: ValidateIn, ctx: ToolContext) -> ValidateOut:
    """Check a DocumentSpec for structural problems (empty sections, duplicate headings, empty
    tables, heading level jumps) and return a deterministically repaired copy."""
    found = quality.problems(inp.spec)
    repaired = quality.repair(inp.spec)
    return ValidateOut(valid=not found, problems=found, repaired=repaired, remaining=quality.problems(repaired))


class ImproveIn(_Model):
    spec: DocumentSpec
    feedback: list[Annotated[str, Field(min_length=1, max_length=1_000)]] = Field(min_length=1, max_length=50)


@tool("documents.improve", input=ImproveIn, output=SpecOut, timeout_s=180, queue="llm")
def improve(inp: ImproveIn, ctx: ToolContext) -> SpecOut:
    """Revise a DocumentSpec with the LLM so it addresses every feedback line."""
    spec = quality.repair(improve_spec(inp.spec, inp.feedback, ctx))
    return SpecOut(spec=spec, problems=quality.problems(spec))


class IterateIn(GenerateIn):
    threshold: float = Field(default=0.9, ge=0, le=1, description="Stop when the score reaches this")
    max_rounds: int = Field(default=3, ge=1, le=10)


class IterateOut(_Model):
    spec: DocumentSpec
    scores: list[float] = Field(description="The score after each round")
    rounds: int
    reached: bool = Field(description="Whether the last score reached the threshold")
    feedback: list[str] = Field(description="What the last critique still found missing")


@tool("documents.iterate", input=IterateIn, output=IterateOut, timeout_s=900, queue="llm")
def iterate(inp: IterateIn, ctx: ToolContext) -> IterateOut:
    """Write a document and refine it: generate, validate and repair, score it against the
    requirements, improve with the feedback; until the score reaches the threshold or
    max_rounds is used."""
    spec = generate_spec(inp.goal, inp.context, inp.requirements, ctx)
    scores: list[float] = []
    feedback: list[str] = []
    for round_number in range(1, inp.max_rounds + 1):
        if round_number > 1:
            if ctx.cancelled():
                raise CancelledError("documents.iterate: cancelled")
            spec = improve_spec(spec, feedback, ctx)
        spec = quality.repair(spec)
        value, feedback = quality.score(spec, inp.requirements)
        scores.append(value)
        if value >= inp.threshold:
            break
    return IterateOut(
        spec=spec, scores=scores, rounds=len(scores), reached=scores[-1] >= inp.threshold, feedback=feedback
    )


Format = Literal["docx", "md"]
FORMATS: tuple[Format, ...] = ("docx", "md")


class RenderIn(_Model):
    spec: DocumentSpec
    name: str = Field(default="document", min_length=1, max_length=200, description="Workspace path, no extension")
    formats: list[Format] = Field(default_factory=lambda: list(FORMATS), min_length=1, max_length=2)
    artifact: bool = Field(default=True, description="Also publish the files as job artifacts")


class RenderedFile(_Model):
    path: str
    content_type: str
    bytes: int
    artifact: str | None


class RenderOut(_Model):
    files: list[RenderedFile]


@tool("documents.render", input=RenderIn, output=RenderOut, timeout_s=60)
def render(inp: RenderIn, ctx: ToolContext) -> RenderOut:
    """Render a DocumentSpec to a Word .docx and/or a Markdown .md file in the workspace and
    publish them as artifacts."""
    files = []
    for fmt in dict.fromkeys(inp.formats):
        path = f"{inp.name}.{fmt}"
        target = safe_join(ctx.workspace, path)
        if fmt == "docx":
            data, content_type = to_docx(inp.spec), DOCX_CONTENT_TYPE
        else:
            data, content_type = to_markdown(inp.spec).encode(), MARKDOWN_CONTENT_TYPE
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        artifact = ctx.save_artifact(path, data, content_type) if inp.artifact else None
        files.append(RenderedFile(path=path, content_type=content_type, bytes=len(data), artifact=artifact))
    return RenderOut(files=files)
