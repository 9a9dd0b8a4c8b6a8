"""Template rendering: a sandboxed Jinja2 template plus data becomes a workspace file (Markdown or
any text type), optionally published as an artifact."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field

from tools.errors import PermanentToolError
from tools.paths import safe_join
from tools.registry import tool
from tools.spec import ToolContext

_JINJA = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


@dataclass(frozen=True)
class _Rendered:
    text: str
    bytes: int
    artifact: str | None


def _render_to(
    ctx: ToolContext, template: str, data: dict[str, Any], path: str, content_type: str, artifact: bool
) -> _Rendered:
    """Render ``template`` with ``data`` (sandboxed, undefined names are errors) into the workspace
    file ``path``; publish it as an artifact of ``content_type`` when ``artifact`` is set."""
    target = safe_join(ctx.workspace, path)
    try:
        text = _JINJA.from_string(template).render(**data)
    except TemplateError as exc:
        raise PermanentToolError(f"template error: {exc}", field="template") from exc
    encoded = text.encode()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(encoded)
    published = ctx.save_artifact(path, encoded, content_type) if artifact else None
    return _Rendered(text=text, bytes=len(encoded), artifact=published)


class RenderMarkdownIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    template: str = Field(min_length=1, max_length=200_000, description="Jinja2 template text")
    data: dict[str, Any] = Field(default_factory=dict, description="Values the template uses")
    path: str = Field(min_length=1, max_length=512, description="Output .md path in the workspace")
    artifact: bool = Field(default=True, description="Also publish the file as a job artifact")


class RenderMarkdownOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str
    markdown: str
    bytes: int
    artifact: str | None


@tool("core.render_markdown", input=RenderMarkdownIn, output=RenderMarkdownOut, timeout_s=30)
def render_markdown(inp: RenderMarkdownIn, ctx: ToolContext) -> RenderMarkdownOut:
    """Render a Jinja2 template with data to a Markdown file; publish it as an artifact."""
    out = _render_to(ctx, inp.template, inp.data, inp.path, "text/markdown", inp.artifact)
    return RenderMarkdownOut(path=inp.path, markdown=out.text, bytes=out.bytes, artifact=out.artifact)


class RenderTemplateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    template: str = Field(min_length=1, max_length=200_000, description="Jinja2 template text")
    data: dict[str, Any] = Field(default_factory=dict, description="Values the template uses")
    path: str = Field(min_length=1, max_length=512, description="Output path in the workspace")
    content_type: str = Field(
        default="text/plain",
        max_length=100,
        pattern=r"^[A-Za-z0-9][\w.+-]*/[\w.+-]+(\s*;\s*[\w.+-]+=[\w.+-]+)*$",
        description="Content type of the file, e.g. text/html, text/csv, application/json",
    )
    artifact: bool = Field(default=True, description="Also publish the file as a job artifact")


class RenderTemplateOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str
    text: str
    bytes: int
    content_type: str
    artifact: str | None


@tool("core.render_template", input=RenderTemplateIn, output=RenderTemplateOut, timeout_s=30)
def render_template(inp: RenderTemplateIn, ctx: ToolContext) -> RenderTemplateOut:
    """Render a Jinja2 template with data to a workspace file of any text content type.

    HTML, CSV, JSON, ...: the content type is recorded with the artifact, published by default."""
    out = _render_to(ctx, inp.template, inp.data, inp.path, inp.content_type, inp.artifact)
    return RenderTemplateOut(
        path=inp.path, text=out.text, bytes=out.bytes, content_type=inp.content_type, artifact=out.artifact
    )
