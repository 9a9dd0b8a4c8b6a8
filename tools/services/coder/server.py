"""The ``coder`` MCP server: plan a change, write files into a sandboxed workspace, run pytest,
diff, and ``implement`` (all of it, with the LLM the worker would use: the mock by default)."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from django.conf import settings
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from tools.errors import ToolError as AweToolError
from tools.llm.base import LLMProvider, Usage
from tools.services.coder import drafts
from tools.services.coder.sandbox import MAX_TIMEOUT_S, RunResult, Sandbox, SandboxError

server: MCPServer = MCPServer(
    "coder",
    instructions="Plans, writes and tests small Python changes in sandboxed workspaces.",
    log_level="WARNING",
)

Workspace = Annotated[str, Field(min_length=1, max_length=64, description="workspace name: letters, digits, . _ -")]
Request = Annotated[str, Field(min_length=1, max_length=20_000, description="the change, in words")]
TESTS_TIMEOUT_S = 120.0


class UsageOut(BaseModel):
    provider: str
    model: str
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0


class PlanOut(drafts.ChangePlan):
    usage: UsageOut


class FileIn(BaseModel):
    path: str = Field(min_length=1, max_length=300, description="relative to the workspace")
    content: str = Field(max_length=1_000_000)


class Written(BaseModel):
    path: str
    bytes: int


class WriteOut(BaseModel):
    workspace: str
    files: list[Written]


class RunOut(BaseModel):
    exit_code: int
    stdout: str
    stderr: str
    duration_s: float
    timed_out: bool
    truncated: bool


class ChangeOut(BaseModel):
    path: str
    change: Literal["added", "modified", "deleted"]


class DiffOut(BaseModel):
    workspace: str
    diff: str
    files: list[ChangeOut]
    truncated: bool


class ImplementOut(BaseModel):
    workspace: str
    plan: drafts.ChangePlan
    files: list[Written]
    tests: RunOut
    passed: bool
    diff: str
    usage: UsageOut


@cache
def sandbox() -> Sandbox:
    return Sandbox(Path(settings.CODER_WORKSPACE_DIR))


@contextmanager
def refusals() -> Iterator[None]:
    """Expected refusals reach the caller as tool errors with their reason (anything else is a
    crash the SDK reports without details)."""
    try:
        yield
    except (SandboxError, drafts.DraftError, AweToolError) as exc:
        raise ToolError(str(exc)) from exc
    except OSError as exc:
        raise ToolError(f"{type(exc).__name__}: {exc}") from exc


def _provider() -> LLMProvider:
    from tools.llm.providers import worker_provider

    return worker_provider()


def _usage(usages: list[Usage]) -> UsageOut:
    first = usages[0] if usages else Usage("none", "none")
    return UsageOut(
        provider=first.provider,
        model=first.model,
        tokens_in=sum(u.tokens_in for u in usages),
        tokens_out=sum(u.tokens_out for u in usages),
        cost_usd=round(sum(u.cost_usd for u in usages), 8),
    )


def _run_out(result: RunResult) -> RunOut:
    return RunOut(**dataclasses.asdict(result))


@server.tool()
def plan_change(request: Request, files: list[str] | None = None) -> PlanOut:
    """Plan a code change: the steps to take and the files to create or modify."""
    with refusals():
        usages: list[Usage] = []
        plan = drafts.plan_change(_provider(), request, files or [], usages)
        return PlanOut(**plan.model_dump(), usage=_usage(usages))


@server.tool()
def write_files(workspace: Workspace, files: Annotated[list[FileIn], Field(min_length=1, max_length=200)]) -> WriteOut:
    """Write UTF-8 files into a sandboxed workspace (created on first use); paths stay inside it."""
    with refusals():
        written = sandbox().write_files(workspace, ((f.path, f.content) for f in files))
        return WriteOut(workspace=workspace, files=[Written(path=p, bytes=n) for p, n in written])


@server.tool()
def run(
    workspace: Workspace,
    command: Annotated[list[str], Field(min_length=1, max_length=100, description="argv; program: python or pytest")],
    timeout_s: Annotated[float, Field(gt=0, le=MAX_TIMEOUT_S)] = 60.0,
) -> RunOut:
    """Run python or pytest in a workspace under a timeout and resource limits: exit code, output, duration."""
    with refusals():
        return _run_out(sandbox().run(workspace, command, timeout_s))


@server.tool()
def diff(workspace: Workspace) -> DiffOut:
    """The unified diff of a workspace against its state when the service first used it."""
    with refusals():
        result = sandbox().diff(workspace)
        return DiffOut(
            workspace=workspace,
            diff=result.diff,
            files=[ChangeOut(path=c.path, change=c.change) for c in result.changes],
            truncated=result.truncated,
        )


@server.tool()
def implement(request: Request, workspace: Workspace | None = None) -> ImplementOut:
    """Implement a change: plan it, write code and tests with the LLM, run pytest; returns the diff and results."""
    with refusals():
        name = workspace or f"impl-{hashlib.sha256(request.encode()).hexdigest()[:10]}"
        box = sandbox()
        box.workspace(name)
        usages: list[Usage] = []
        provider = _provider()
        plan = drafts.plan_change(provider, request, [], usages)
        made = drafts.write_change(provider, request, plan, usages)
        written = box.write_files(name, ((f.path, f.content) for f in made.files))
        tests = box.run(name, ["pytest", "-q"], TESTS_TIMEOUT_S)
        return ImplementOut(
            workspace=name,
            plan=plan,
            files=[Written(path=p, bytes=n) for p, n in written],
            tests=_run_out(tests),
            passed=tests.exit_code == 0,
            diff=box.diff(name).diff,
            usage=_usage(usages),
        )
