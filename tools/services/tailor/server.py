"""The tailor MCP server: resume tailoring, cover letters and resume evaluation as MCP tools.

Tools return pydantic models, so each advertises an output schema and answers with structured
content. Failures the caller can fix raise ``ToolError`` (an error result, not a crash).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from tools.errors import ToolError as AweToolError
from tools.services.tailor.evaluate import Evaluation, evaluate
from tools.services.tailor.pipeline import (
    DEFAULT_MAX_ROUNDS,
    DEFAULT_THRESHOLD,
    CoverLetter,
    TailoredResume,
    cover_letter,
    tailor_resume,
)

MAX_TEXT = 100_000

server: MCPServer = MCPServer(
    "tailor",
    instructions="Tailors a resume to a job post without inventing employers, titles or dates.",
)


T = TypeVar("T")


async def _off_thread(fn: Callable[..., T], *args: Any) -> T:
    """Run the (blocking, LLM-calling) work in a thread; an AWE tool error becomes an MCP error
    result whose text starts with its class, which the client maps back."""
    try:
        return await anyio.to_thread.run_sync(fn, *args)
    except AweToolError as exc:
        raise ToolError(f"{exc.error_class}: {exc.message}") from exc


@server.tool(name="tailor_resume")
async def tailor_resume_tool(
    resume: Annotated[str, Field(min_length=1, max_length=MAX_TEXT, description="the resume, plain text or Markdown")],
    job_description: Annotated[str, Field(min_length=1, max_length=MAX_TEXT, description="the job post")],
    threshold: Annotated[float, Field(ge=0, le=1, description="stop once the score reaches this")] = DEFAULT_THRESHOLD,
    max_rounds: Annotated[int, Field(ge=1, le=10, description="improvement rounds at most")] = DEFAULT_MAX_ROUNDS,
) -> TailoredResume:
    """Tailor a resume to a job post: the result is a DocumentSpec (and its Markdown) that puts the
    job's requirements first, improved over rounds until the evaluator's score reaches the threshold.
    Employers, titles and dates not in the resume are removed and listed in dropped_claims."""
    return await _off_thread(tailor_resume, resume, job_description, threshold, max_rounds)


@server.tool(name="cover_letter")
async def cover_letter_tool(
    resume: Annotated[str, Field(min_length=1, max_length=MAX_TEXT, description="the resume, plain text or Markdown")],
    job_description: Annotated[str, Field(min_length=1, max_length=MAX_TEXT, description="the job post")],
) -> CoverLetter:
    """Write a short cover letter for a job post from the resume's facts only (text and DocumentSpec)."""
    return await _off_thread(cover_letter, resume, job_description)


@server.tool(name="evaluate")
async def evaluate_tool(
    resume_markdown: Annotated[str, Field(min_length=1, max_length=MAX_TEXT, description="the resume to grade")],
    job_description: Annotated[str, Field(min_length=1, max_length=MAX_TEXT, description="the job post")],
) -> Evaluation:
    """Grade how well a resume answers a job post: score 0..1 and feedback lines (TAILOR_EVAL_MODE)."""
    return await _off_thread(evaluate, resume_markdown, job_description)
