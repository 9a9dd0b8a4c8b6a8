"""The tailor MCP service: resume tailoring, cover letters and resume evaluation.

``python -m tools.services.tailor [--transport stdio|http] [--host 127.0.0.1] [--port 8102]``.
"""
