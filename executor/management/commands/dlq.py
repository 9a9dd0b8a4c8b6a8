"""``manage.py dlq list|show ID|replay ID|purge``: inspect and replay tasks that failed for good."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from executor import dlq
from jobs.models import DeadLetter


class Command(BaseCommand):
    help = "The dead-letter queue: list, show, replay or purge tasks that failed for good."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="dead letters, newest first")
        listing.add_argument("--all", action="store_true", help="include replayed ones")
        listing.add_argument("--job", help="only this job's")
        sub.add_parser("show", help="one dead letter in full").add_argument("id", type=int)
        sub.add_parser("replay", help="retry the task; its blocked dependents resume").add_argument("id", type=int)
        purge = sub.add_parser("purge", help="drop replayed rows and the messages on the dlq queue")
        purge.add_argument("--everything", action="store_true", help="drop rows not yet replayed too")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, f"_{opts['action']}")(opts)

    def _letter(self, pk: int) -> DeadLetter:
        try:
            return DeadLetter.objects.select_related("task", "task__job").get(pk=pk)
        except DeadLetter.DoesNotExist:
            raise CommandError(f"no dead letter with id {pk} (see `manage.py dlq list --all`)") from None

    def _list(self, opts: dict[str, Any]) -> None:
        letters = DeadLetter.objects.select_related("task").order_by("-created_at")
        if not opts["all"]:
            letters = letters.filter(replayed=False)
        if opts["job"]:
            letters = letters.filter(task__job_id=opts["job"])
        rows = list(letters[:200])
        if not rows:
            self.stdout.write("the dead-letter queue is empty")
        for letter in rows:
            state = "replayed" if letter.replayed else "waiting"
            self.stdout.write(
                f"{letter.pk:>6}  {letter.created_at:%Y-%m-%d %H:%M:%S}  {state:<8}  {letter.error_class:<9}  "
                f"{letter.task.job_id}/{letter.task.key}  {letter.reason[:80]}"
            )

    def _show(self, opts: dict[str, Any]) -> None:
        letter = self._letter(opts["id"])
        self.stdout.write(
            json.dumps(
                {
                    "id": letter.pk, "job": str(letter.task.job_id), "task": letter.task.key, "tool": letter.task.tool,
                    "error_class": letter.error_class, "reason": letter.reason, "payload": letter.payload,
                    "created_at": letter.created_at.isoformat(), "replayed": letter.replayed,
                    "replayed_at": letter.replayed_at.isoformat() if letter.replayed_at else None,
                    "inputs": letter.task.inputs, "attempts": letter.task.attempts,
                },
                indent=2,
            )
        )  # fmt: skip

    def _replay(self, opts: dict[str, Any]) -> None:
        from jobs.transitions import IllegalTransition

        letter = self._letter(opts["id"])
        try:
            task = dlq.replay(letter)
        except (ValueError, IllegalTransition) as exc:
            raise CommandError(f"cannot replay dead letter {letter.pk}: {exc}") from None
        self.stdout.write(f"replayed {task.job_id}/{task.key}: task {task.status}")

    def _purge(self, opts: dict[str, Any]) -> None:
        rows = DeadLetter.objects.all() if opts["everything"] else DeadLetter.objects.filter(replayed=True)
        deleted, _ = rows.delete()
        messages = dlq.purge_queue()
        self.stdout.write(f"purged {deleted} dead letters and {messages} dlq messages")
