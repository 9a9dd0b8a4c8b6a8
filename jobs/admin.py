"""Django admin for operators: jobs with their tasks and events inline, and the dead letters.

Every row here is written by the engine, so the admin shows them and changes them only through the
executor's verbs, as the API does: jobs are cancelled or have their failed tasks retried, tasks are
retried, dead letters replayed. An illegal move is an error message naming the current status, as
the API's 409, and changes nothing. Jobs are submitted through the API, the web app or
``manage.py submit`` (validated and planned at once), not added here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from jobs.models import Artifact, DeadLetter, Event, Job, LlmCall, Plan, Task, TaskAttempt
from jobs.transitions import IllegalTransition

M = TypeVar("M", bound=Model)


class EngineRecordAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Shown, never added or edited by hand; its actions need the model's change permission."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_operate_permission(self, request: HttpRequest) -> bool:
        opts = self.model._meta
        return bool(request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}"))

    def operate(
        self, request: HttpRequest, rows: Iterable[M], verb: Callable[[M], str], name: Callable[[M], str]
    ) -> None:
        """Apply ``verb`` to each row on its own: one row's illegal move leaves the others' done."""
        for row in rows:
            try:
                done = verb(row)
            except IllegalTransition as exc:
                self.message_user(request, f"{exc}; nothing changed", level=messages.ERROR)
            else:
                self.message_user(request, f"{name(row)}: {done}", level=messages.SUCCESS)


class TaskInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Task
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["key", "tool", "status", "attempts", "worker", "started_at", "finished_at", "error"]
    readonly_fields = ["key", "tool", "status", "attempts", "worker", "started_at", "finished_at", "error"]


class EventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Event
    extra = 0
    can_delete = False
    fields = ["seq", "type", "task_key", "payload", "created_at"]
    readonly_fields = ["seq", "type", "task_key", "payload", "created_at"]
    ordering = ["-seq"]


class PlanInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Plan
    extra = 0
    can_delete = False
    fields = ["version", "source", "valid", "problems", "created_at"]
    readonly_fields = ["version", "source", "valid", "problems", "created_at"]


@admin.register(Job)
class JobAdmin(EngineRecordAdmin):
    actions = ["retry_failed", "cancel"]
    list_display = ["id", "goal_short", "owner", "status", "priority", "created_at", "finished_at"]
    list_filter = ["status", "priority", "created_at"]
    search_fields = ["id", "goal", "owner__username", "error"]
    readonly_fields = ["id", "event_seq", "created_at", "updated_at"]
    inlines = [PlanInline, TaskInline, EventInline]
    date_hierarchy = "created_at"

    @admin.display(description="goal")
    def goal_short(self, job: Job) -> str:
        return job.goal[:80]

    @admin.action(description="Retry failed tasks (their blocked dependents resume)", permissions=["operate"])
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        from executor.control import retry_failed

        def verb(job: Job) -> str:
            failed = job.tasks.filter(status="failed").count()
            retry_failed(job)
            return f"retrying {failed} failed task(s)"

        self.operate(request, queryset, verb, lambda job: f"job {job.pk}")

    @admin.action(description="Cancel (unfinished tasks are cancelled, running ones stopped)", permissions=["operate"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        from executor.control import cancel_job

        def verb(job: Job) -> str:
            cancel_job(job)
            return "cancelled"

        self.operate(request, queryset, verb, lambda job: f"job {job.pk}")


class AttemptInline(admin.TabularInline):  # type: ignore[type-arg]
    model = TaskAttempt
    extra = 0
    can_delete = False
    fields = ["number", "worker", "started_at", "finished_at", "outcome", "error_class", "message"]
    readonly_fields = ["number", "worker", "started_at", "finished_at", "outcome", "error_class", "message"]


@admin.register(Task)
class TaskAdmin(EngineRecordAdmin):
    actions = ["retry"]
    list_display = ["key", "job", "tool", "status", "attempts", "worker", "started_at", "finished_at"]
    list_filter = ["status", "tool", "error_class"]
    search_fields = ["key", "tool", "job__id", "error"]
    readonly_fields = ["created_at"]
    inlines = [AttemptInline]

    @admin.action(description="Retry (failed tasks; their blocked dependents resume)", permissions=["operate"])
    def retry(self, request: HttpRequest, queryset: QuerySet[Task]) -> None:
        from executor.control import retry_tasks

        def verb(task: Task) -> str:
            retry_tasks(task.job, [task.key])
            return "retrying"

        self.operate(request, queryset.select_related("job"), verb, lambda task: f"task {task.job_id}/{task.key}")


@admin.register(Event)
class EventAdmin(EngineRecordAdmin):
    list_display = ["job", "seq", "type", "task_key", "created_at"]
    list_filter = ["type"]
    search_fields = ["job__id", "type", "task_key"]
    readonly_fields = ["job", "seq", "type", "task_key", "payload", "created_at"]


@admin.register(Artifact)
class ArtifactAdmin(EngineRecordAdmin):
    list_display = ["path", "job", "task", "size", "content_type", "created_at"]
    list_filter = ["content_type"]
    search_fields = ["path", "job__id", "sha256"]


@admin.register(DeadLetter)
class DeadLetterAdmin(EngineRecordAdmin):
    actions = ["replay"]
    list_display = ["task", "error_class", "created_at", "replayed", "replayed_at"]
    list_filter = ["replayed", "error_class"]
    search_fields = ["task__key", "task__job__id", "reason"]
    readonly_fields = ["task", "reason", "error_class", "payload", "created_at", "replayed", "replayed_at"]

    @admin.action(description="Replay: retry the task and resume its blocked dependents", permissions=["operate"])
    def replay(self, request: HttpRequest, queryset: QuerySet[DeadLetter]) -> None:
        from executor.dlq import replay
        from jobs.transitions import IllegalTransition

        for letter in queryset.select_related("task", "task__job"):
            try:
                task = replay(letter)
            except (ValueError, IllegalTransition) as exc:
                self.message_user(request, f"{letter}: {exc}", level=messages.ERROR)
            else:
                self.message_user(request, f"replayed {task.job_id}/{task.key}")


@admin.register(LlmCall)
class LlmCallAdmin(EngineRecordAdmin):
    list_display = ["job", "provider", "model", "tokens_in", "tokens_out", "cost_usd", "latency_s", "created_at"]
    list_filter = ["provider", "model"]
    search_fields = ["job__id", "model"]
