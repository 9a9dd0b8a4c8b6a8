"""Markdown rendering: a sandboxed Jinja2 template plus data becomes a Markdown artifact."""

from __future__ import annotations

from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field

from tools.errors import PermanentToolError
from tools.paths import safe_join
from tools.registry import tool
from tools.spec import ToolContext

_JINJA = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


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
    target = safe_join(ctx.workspace, inp.path)
    try:
        text = _JINJA.from_string(inp.template).render(**inp.data)
    except TemplateError as exc:
        raise PermanentToolError(f"template error: {exc}", field="template") from exc
    data = text.encode()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    artifact = ctx.save_artifact(inp.path, data, "text/markdown") if inp.artifact else None
    return RenderMarkdownOut(path=inp.path, markdown=text, bytes=len(data), artifact=artifact)
