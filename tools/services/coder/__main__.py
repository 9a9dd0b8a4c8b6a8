"""``python -m tools.services.coder [--transport stdio|http] [--host 127.0.0.1] [--port 8101]``."""

from __future__ import annotations

import argparse
import os


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.services.coder", description=__doc__)
    parser.add_argument("--transport", choices=["stdio", "http"], default="stdio", help="default: stdio")
    parser.add_argument("--host", default="127.0.0.1", help="HTTP bind address (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8101, help="HTTP port (default: 8101)")
    args = parser.parse_args(argv)
    # Settings (CODER_WORKSPACE_DIR, the LLM provider) come from the same environment as the worker's.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "awe_project.settings")
    from tools.services.coder.server import server

    if args.transport == "stdio":
        server.run("stdio")
    else:
        server.run("streamable-http", host=args.host, port=args.port)


if __name__ == "__main__":
    main()
