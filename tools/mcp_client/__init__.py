"""MCP servers' tools as AWE tools: ``mcp.<server>.<tool>`` (docs/tools.md, "MCP").

Importing this module (a built-in family) checks ``AWE_MCP_SERVERS`` — a bad value stops
start-up with a message naming it — and tells the registry how to find the servers' tools,
which it does the first time a lookup needs one. Servers that did not answer are asked again
at the first lookup ``RETRY_S`` later, so a service that starts after a worker still joins.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from django.conf import settings

from tools import registry
from tools.mcp_client.config import ServerConfig, parse_servers
from tools.spec import JSON, ToolSpec

__all__ = ["SERVERS", "ServerConfig", "call_tool", "discover", "parse_servers"]

RETRY_S = 60.0  # a server that did not answer is asked again no sooner than this


def loader(servers: Sequence[ServerConfig], not_before: float = 0.0) -> Callable[[], list[ToolSpec]]:
    """The registry's loader of ``servers``' tools: discovers them (not before ``not_before``, a
    ``time.monotonic()`` value) and leaves a successor for those that did not answer."""

    def load() -> list[ToolSpec]:
        if time.monotonic() < not_before:
            registry.register_lazy("mcp.", loader(servers, not_before))
            return []
        specs = discover(servers)
        answered = {spec.name.split(".")[1] for spec in specs}
        missing = [server for server in servers if server.name not in answered]
        if missing:
            registry.register_lazy("mcp.", loader(missing, time.monotonic() + RETRY_S))
        return specs

    return load


def discover(servers: Sequence[ServerConfig]) -> list[ToolSpec]:
    """``discovery.discover``. The MCP SDK is imported on first use, not at start-up: a process
    that never talks to an MCP server (``migrate``, the web server) starts about a second sooner."""
    from tools.mcp_client import discovery

    return discovery.discover(servers)


def call_tool(server: ServerConfig, tool: str, arguments: JSON, cancelled: Callable[[], bool] = lambda: False) -> JSON:
    """``session.call_tool`` (imported on first use, as ``discover``)."""
    from tools.mcp_client import session

    return session.call_tool(server, tool, arguments, cancelled)


SERVERS = parse_servers(settings.AWE_MCP_SERVERS)
if SERVERS:
    registry.register_lazy("mcp.", loader(SERVERS))
