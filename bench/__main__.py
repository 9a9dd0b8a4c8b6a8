"""``python -m bench [executor] [sse] [mcp] ...``: run the benchmarks (all by default), print the tables and
write docs/performance.md (only when all ran, so the document always holds one run's figures)."""

from __future__ import annotations

import datetime
import os
import platform
import sys
from collections.abc import Callable
from pathlib import Path

from bench import executor, mcp, observability, sse

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"


SUITES: dict[str, Callable[[], list[str]]] = {
    "executor": executor.main,
    "sse": sse.main,
    "mcp": mcp.main,
    "observability": observability.main,
}


def main() -> None:
    wanted = sys.argv[1:] or list(SUITES)
    unknown = sorted(set(wanted) - set(SUITES))
    if unknown:
        sys.exit(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(SUITES)}")
    sections: list[str] = []
    for name in wanted:
        sections += [*SUITES[name](), ""]
    header = [
        "# Performance",
        "",
        f"Measured by `make bench` on {datetime.date.today():%Y-%m-%d}, {os.cpu_count()} cores, Python {platform.python_version()},",
        "PostgreSQL + Redis on the same host. AWE and raw Celery run side by side in the same run on the same broker;",
        "the machine is shared and noisy, so read ratios, not absolute times.",
        "",
    ]
    text = "\n".join(header + sections) + "\n"
    print(text)
    if set(wanted) == set(SUITES):
        DOC.write_text(text)


if __name__ == "__main__":
    main()
