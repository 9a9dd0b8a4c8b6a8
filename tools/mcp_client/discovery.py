"""Discovery: every configured server's tools become ToolSpecs named ``mcp.<server>.<tool>``.

Runs once per process, the first time the registry needs an ``mcp.`` tool; servers are asked
concurrently, each within its ``connect_timeout_s``. A server that fails is logged with the
reason and left out: plans naming its tools fail validation as unknown tools.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import anyio
from mcp_types import Tool

from tools.llm.base import Usage
from tools.mcp_client.config import ServerConfig
from tools.mcp_client.session import TEARDOWN_S, Seen, call_tool, classify, list_tools, open_session, run_in_thread
from tools.spec import JSON, Handler, ToolContext, ToolSpec

log = logging.getLogger(__name__)

TOOL_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,80}$")
# For a tool without an output schema: whatever its structured content is, or {"text": ...}.
PERMISSIVE_OUTPUT: JSON = {
    "type": "object",
    "description": "the tool's structured content, or {text} joining its text content when it has none",
    "additionalProperties": True,
}


def discover(servers: Sequence[ServerConfig]) -> list[ToolSpec]:
    """Ask every server for its tools at once; the specs of those that answered."""
    if not servers:
        return []
    found: dict[str, list[Tool]] = {}

    async def ask(server: ServerConfig) -> None:
        seen = Seen()
        try:
            with anyio.fail_after(server.connect_timeout_s):
                async with open_session(server, seen) as session:
                    found[server.name] = await list_tools(session)
        except Exception as exc:  # noqa: BLE001 - a failing server is logged with its reason and left out
            reason = classify(f"mcp.{server.name}", exc, seen.statuses, seen.stderr_tail()).message
            log.warning("MCP server %r skipped: %s", server.name, reason)
        finally:
            seen.close()

    async def ask_all() -> None:
        async with anyio.create_task_group() as group:
            for server in servers:
                group.start_soon(ask, server)

    limit = max(server.connect_timeout_s for server in servers) + TEARDOWN_S
    run_in_thread(ask_all, limit, "mcp-discovery")
    specs = [spec for server in servers for tool in found.get(server.name, []) if (spec := to_spec(server, tool))]
    log.info("MCP: %d tool(s) from %d of %d server(s)", len(specs), len(found), len(servers))
    return specs


def to_spec(server: ServerConfig, tool: Tool) -> ToolSpec | None:
    if not TOOL_NAME.match(tool.name):
        log.warning("MCP server %r: tool name %r is not usable in a plan; left out", server.name, tool.name)
        return None
    return ToolSpec(
        name=f"mcp.{server.name}.{tool.name}",
        description=(tool.description or tool.title or tool.name).strip(),
        input_schema=dict(tool.input_schema),
        output_schema=dict(tool.output_schema) if tool.output_schema else PERMISSIVE_OUTPUT,
        handler=_handler(server, tool.name),
        timeout_s=server.timeout_s,
        queue="mcp",
    )


def _handler(server: ServerConfig, tool: str) -> Handler:
    def handler(inputs: JSON, ctx: ToolContext) -> JSON:
        result = call_tool(server, tool, inputs, ctx.cancelled)
        _report_usage(result, ctx)
        return result

    return handler


def _report_usage(result: JSON, ctx: ToolContext) -> None:
    """A service that calls an LLM returns its ``usage``; the job's budget counts it."""
    usage = result.get("usage")
    if not isinstance(usage, dict) or not isinstance(usage.get("provider"), str):
        return
    ctx.report_usage(
        Usage(
            provider=usage["provider"],
            model=str(usage.get("model", "")),
            tokens_in=int(usage.get("tokens_in", 0) or 0),
            tokens_out=int(usage.get("tokens_out", 0) or 0),
            cost_usd=float(usage.get("cost_usd", 0) or 0),
        )
    )
