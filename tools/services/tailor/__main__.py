"""``python -m tools.services.tailor --transport stdio|http --host 127.0.0.1 --port 8102``."""

from __future__ import annotations

import argparse
import os

import django


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.services.tailor", description=__doc__)
    parser.add_argument("--transport", choices=("stdio", "http"), default="stdio")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8102)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "awe_project.settings")
    django.setup()
    from tools.services.tailor.server import server  # after setup: the tools read settings

    if args.transport == "stdio":
        server.run("stdio")
    else:
        server.run("streamable-http", host=args.host, port=args.port)


if __name__ == "__main__":
    main()
