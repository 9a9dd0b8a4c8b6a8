"""The command line of a built-in MCP service: ``python -m tools.services.<name>
[--transport stdio|http] [--host 127.0.0.1] [--port N]``."""

from __future__ import annotations

import argparse
import importlib
import os


def serve(name: str, default_port: int, argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog=f"python -m tools.services.{name}", description=f"The {name} MCP service.")
    parser.add_argument("--transport", choices=("stdio", "http"), default="stdio", help="default: stdio")
    parser.add_argument("--host", default="127.0.0.1", help="HTTP bind address (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=default_port, help=f"HTTP port (default: {default_port})")
    args = parser.parse_args(argv)
    # Settings (the LLM provider, workspaces, TAILOR_EVAL_*) come from the same environment as the
    # worker's, read through Django's settings like every other part of AWE.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "awe_project.settings")
    import django

    django.setup()
    server = importlib.import_module(f"tools.services.{name}.server").server
    if args.transport == "stdio":
        server.run("stdio")
    else:
        server.run("streamable-http", host=args.host, port=args.port)
