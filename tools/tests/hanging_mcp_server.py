"""A deliberately awkward MCP server for the client's tests: a tool that never returns, a tool
that refuses, a tool without an output schema. ``python -m tools.tests.hanging_mcp_server``."""

from __future__ import annotations

import os
import time
from pathlib import Path

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

server: MCPServer = MCPServer("hang", log_level="WARNING")


@server.tool()
def sleep_forever(pid_file: str) -> str:
    """Write this server's process id to pid_file, then never return."""
    Path(pid_file).write_text(str(os.getpid()))
    while True:
        time.sleep(1)


@server.tool()
def refuse(reason: str) -> str:
    """Fail with the reason given."""
    raise ToolError(reason)


@server.tool(structured_output=False)
def shout(text: str) -> str:
    """Text content only, no output schema."""
    return text.upper()


if __name__ == "__main__":
    server.run("stdio")
