"""The ``coder`` MCP service: ``python -m tools.services.coder [--transport stdio|http]``."""
