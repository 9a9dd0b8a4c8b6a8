"""MCP servers that ship with AWE (``coder``, ``tailor``). Each runs as its own process:
``python -m tools.services.<name> [--transport stdio|http]``; the worker reaches them through
``tools.mcp_client`` like any other MCP server."""
