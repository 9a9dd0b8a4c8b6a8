"""MCP servers' tools as AWE tools: ``mcp.<server>.<tool>`` (docs/tools.md, "MCP").

Importing this module (a built-in family) checks ``AWE_MCP_SERVERS`` — a bad value stops
start-up with a message naming it — and tells the registry how to find the servers' tools,
which it does once per process, the first time a lookup needs one.
"""

from __future__ import annotations

from django.conf import settings

from tools import registry
from tools.mcp_client.config import ServerConfig, parse_servers
from tools.mcp_client.discovery import discover
from tools.mcp_client.session import call_tool

__all__ = ["SERVERS", "ServerConfig", "call_tool", "discover", "parse_servers"]

SERVERS = parse_servers(settings.AWE_MCP_SERVERS)
if SERVERS:
    registry.register_lazy("mcp.", lambda: discover(SERVERS))
