"""`python manage.py schemas [--check]` (`make schemas`): write the OpenAPI schema, the plan's JSON
Schema and the tools' JSON Schemas to docs/schemas/; --check only says which files are stale."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jobs.api import contracts


class Command(BaseCommand):
    help = "Write the API, plan and tool schemas to docs/schemas/ (--check: fail if they are stale)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--check", action="store_true", help="write nothing; fail naming each stale file")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            stale = contracts.stale()
            if stale:
                raise CommandError(f"stale in {contracts.DIR}: {', '.join(stale)}; run `make schemas`")
            self.stdout.write(f"{contracts.DIR} is current")
            return
        contracts.DIR.mkdir(parents=True, exist_ok=True)
        for name, text in contracts.generate().items():
            (contracts.DIR / name).write_text(text)
            self.stdout.write(f"wrote {contracts.DIR / name}")
