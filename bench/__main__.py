"""``python -m bench``: run every benchmark, print the tables, write docs/performance.md."""

from __future__ import annotations

import datetime
import os
import platform
from pathlib import Path

from bench import executor

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"


def main() -> None:
    sections = executor.main()
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
    DOC.write_text(text)


if __name__ == "__main__":
    main()
