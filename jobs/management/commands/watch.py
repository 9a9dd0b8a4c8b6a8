"""``manage.py watch <job id> [--after SEQ] [--json]``: print a job's events as they happen."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jobs.events import event_data
from jobs.follow import follow
from jobs.models import Event, Job, JobStatus


def _line(event: Event) -> str:
    payload = json.dumps(event.payload, separators=(",", ":"))
    if len(payload) > 160:
        payload = payload[:157] + "..."
    return (
        f"{event.seq:>5}  {event.created_at:%H:%M:%S.%f}"[:-3]
        + f"  {event.type:<20} {event.task_key or '-':<16} {payload}"
    )


class Command(BaseCommand):
    help = "Print a job's events (its history, then live) until it ends; exit 1 unless it succeeded."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("job_id", help="The job's id")
        parser.add_argument("--after", type=int, default=0, metavar="SEQ", help="Start after this event number")
        parser.add_argument("--json", action="store_true", help="One JSON object per line (the SSE data)")
        parser.add_argument("--timeout", type=float, default=None, help="Give up after this many seconds")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            job_id = uuid.UUID(opts["job_id"])
        except ValueError:
            raise CommandError(f"{opts['job_id']!r} is not a job id (a UUID)") from None
        if not Job.objects.filter(pk=job_id).exists():
            raise CommandError(f"no job {job_id}")
        if opts["after"] < 0:
            raise CommandError("--after must be 0 or more")
        try:
            for event in follow(job_id, opts["after"], timeout_s=opts["timeout"]):
                self.stdout.write(event_data(event) if opts["json"] else _line(event))
                self.stdout.flush()
        except TimeoutError as exc:
            raise CommandError(str(exc)) from None
        job = Job.objects.get(pk=job_id)
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(f"job {job.status}: {job.error or 'no reason recorded'}")
