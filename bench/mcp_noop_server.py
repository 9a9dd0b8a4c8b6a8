"""A no-op MCP server for the MCP benchmark: ``python -m bench.mcp_noop_server [--http PORT]``."""

from __future__ import annotations

import sys

from mcp.server.mcpserver import MCPServer
from pydantic import BaseModel

server: MCPServer = MCPServer("noop", log_level="WARNING")


class NoopOut(BaseModel):
    n: int


@server.tool()
def noop(n: int = 0) -> NoopOut:
    """Do nothing (benchmarks)."""
    return NoopOut(n=n)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--http":
        server.run("streamable-http", host="127.0.0.1", port=int(sys.argv[2]))
    else:
        server.run("stdio")
