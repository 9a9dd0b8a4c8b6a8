"""`python manage.py tools [--json | --write-docs]`: list every registered tool (with its schemas
under --json), or regenerate the reference in docs/tools.md."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from tools import docs
from tools.registry import catalogue


class Command(BaseCommand):
    help = "List the registered tools (built-in families and AWE_TOOL_MODULES plugins)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--json", action="store_true", help="print each tool's full description as JSON")
        parser.add_argument("--write-docs", action="store_true", help=f"regenerate the reference in {docs.DOC}")

    def handle(self, *args: Any, **options: Any) -> None:
        specs = list(catalogue().values())
        if options["write_docs"]:
            docs.DOC.write_text(docs.with_reference(docs.DOC.read_text(), specs))
            self.stdout.write(f"wrote the reference of {len(specs)} tools to {docs.DOC}")
            return
        if options["json"]:
            self.stdout.write(json.dumps([spec.describe() for spec in specs], indent=2))
            return
        for spec in specs:
            first_line = (spec.description or "").strip().splitlines()[:1]
            self.stdout.write(f"{spec.name:32} {first_line[0] if first_line else ''}")
