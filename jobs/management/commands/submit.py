"""``manage.py submit "goal" [--plan file.json] [--wait]``: submit a job from the shell."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from executor.planning import submit
from jobs.api.auth import local_user
from jobs.follow import follow
from jobs.models import Job, JobStatus
from planner.validate import PlanInvalid
from tools.storable import unstorable

TASK_DONE = {"task.succeeded", "task.failed", "task.cancelled", "task.blocked"}


class Command(BaseCommand):
    help = "Submit a goal (or an explicit plan) as a job; with --wait, follow it to the end."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("goal", help="What the job should achieve")
        parser.add_argument("--plan", type=Path, help="A JSON file with an explicit plan (skips the planner)")
        parser.add_argument("--context", default="{}", help="context_json as a JSON object")
        parser.add_argument("--priority", type=int, default=1, choices=range(10), metavar="0-9")
        parser.add_argument("--user", help="Owner (default: the local user AWE_LOCAL_USER)")
        parser.add_argument("--wait", action="store_true", help="Show progress until the job ends")
        parser.add_argument("--timeout", type=float, default=None, help="Give up waiting after this many seconds")

    def handle(self, *args: Any, **opts: Any) -> None:
        goal = opts["goal"].strip()
        if not goal:
            raise CommandError("the goal is empty")
        owner = self._owner(opts["user"])
        context = self._json(opts["context"], "--context")
        if not isinstance(context, dict):
            raise CommandError("--context must be a JSON object")
        if problems := unstorable(context):  # json.loads reads NaN and "\u0000", which no row holds
            raise CommandError(f"--context: {'; '.join(problems)}")
        plan = self._json(opts["plan"].read_text(), f"--plan {opts['plan']}") if opts["plan"] else None
        try:
            job = submit(owner, goal, context_json=context, priority=opts["priority"], plan=plan)
        except PlanInvalid as exc:
            for problem in exc.problems:
                self.stderr.write(f"  - {problem.message}")
            raise CommandError("the plan is invalid", returncode=2) from None
        self.stdout.write(f"job {job.pk} submitted")
        if opts["wait"]:
            self._wait(job, opts["timeout"])

    def _owner(self, name: str | None) -> Any:
        if name:
            try:
                return get_user_model().objects.get(username=name)
            except get_user_model().DoesNotExist:
                raise CommandError(f"no user {name!r}") from None
        user = local_user()
        if user is None:
            raise CommandError("AWE_LOCAL_USER is empty: pass --user NAME")
        return user

    @staticmethod
    def _json(text: str, what: str) -> Any:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(f"{what}: not valid JSON: {exc}") from None

    def _wait(self, job: Job, timeout: float | None) -> None:
        bar = tqdm(total=0, unit="task", desc="tasks", file=self.stderr._out, dynamic_ncols=True)
        try:
            for event in follow(job.pk, timeout_s=timeout):
                if event.type == "plan.created":
                    bar.total = int(event.payload.get("tasks", 0))
                    bar.refresh()
                elif event.type in TASK_DONE:
                    bar.update(1)
                    bar.set_postfix_str(f"{event.task_key} {event.type.split('.')[1]}")
        except TimeoutError as exc:
            raise CommandError(str(exc)) from None
        finally:
            bar.close()
        job.refresh_from_db()
        self.stdout.write(f"job {job.pk} {job.status}")
        for artifact in job.artifacts.order_by("path"):
            self.stdout.write(
                f"  artifact {artifact.path} ({artifact.size} bytes) /api/artifacts/download?path={artifact.path}"
            )
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(f"job {job.status}: {job.error or 'no reason recorded'}")
