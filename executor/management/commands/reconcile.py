"""``manage.py reconcile [--dry-run]``: re-send lost messages, fail over dead workers, settle jobs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from executor.reconcile import reconcile


class Command(BaseCommand):
    help = "Make the database and the broker agree: re-send lost work, fail over lost workers, finish jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="report what would change, change nothing")
        parser.add_argument(
            "--stale-after",
            type=float,
            default=None,
            help="seconds without events before a job is re-sent (default: AWE_RECONCILE_STALE_S)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        report = reconcile(stale_s=opts["stale_after"], dry_run=opts["dry_run"])
        verb = "would" if report.dry_run else "did"
        self.stdout.write(
            f"reconcile ({verb}): fail over {len(report.failed_over)} tasks, re-dispatch {len(report.redispatched)} jobs, "
            f"settle {len(report.settled)} jobs, fail {len(report.planning_lost)} jobs whose planner was lost"
        )
        for line in report.failed_over:
            self.stdout.write(f"  failed over {line}")
        for job in report.redispatched:
            self.stdout.write(f"  re-dispatched {job}")
        for job in report.settled:
            self.stdout.write(f"  settled {job}")
        for job in report.planning_lost:
            self.stdout.write(f"  failed {job}: its planner was lost")
