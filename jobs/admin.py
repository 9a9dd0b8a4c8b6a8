"""Django admin for operators: jobs with their tasks and events inline, and the dead letters."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from jobs.models import Artifact, DeadLetter, Event, Job, LlmCall, Plan, Task, TaskAttempt


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
class JobAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["id", "goal_short", "owner", "status", "priority", "created_at", "finished_at"]
    list_filter = ["status", "priority", "created_at"]
    search_fields = ["id", "goal", "owner__username", "error"]
    readonly_fields = ["id", "status", "event_seq", "created_at", "updated_at", "started_at", "finished_at", "error"]
    inlines = [PlanInline, TaskInline, EventInline]
    date_hierarchy = "created_at"

    @admin.display(description="goal")
    def goal_short(self, job: Job) -> str:
        return job.goal[:80]


class AttemptInline(admin.TabularInline):  # type: ignore[type-arg]
    model = TaskAttempt
    extra = 0
    can_delete = False
    fields = ["number", "worker", "started_at", "finished_at", "outcome", "error_class", "message"]
    readonly_fields = ["number", "worker", "started_at", "finished_at", "outcome", "error_class", "message"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["key", "job", "tool", "status", "attempts", "worker", "started_at", "finished_at"]
    list_filter = ["status", "tool", "error_class"]
    search_fields = ["key", "tool", "job__id", "error"]
    readonly_fields = ["status", "attempts", "worker", "output", "error", "error_class", "started_at", "finished_at"]
    inlines = [AttemptInline]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["job", "seq", "type", "task_key", "created_at"]
    list_filter = ["type"]
    search_fields = ["job__id", "type", "task_key"]
    readonly_fields = ["job", "seq", "type", "task_key", "payload", "created_at"]


@admin.register(Artifact)
class ArtifactAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["path", "job", "task", "size", "content_type", "created_at"]
    list_filter = ["content_type"]
    search_fields = ["path", "job__id", "sha256"]


@admin.register(DeadLetter)
class DeadLetterAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    actions = ["replay"]
    list_display = ["task", "error_class", "created_at", "replayed", "replayed_at"]
    list_filter = ["replayed", "error_class"]
    search_fields = ["task__key", "task__job__id", "reason"]
    readonly_fields = ["task", "reason", "error_class", "payload", "created_at", "replayed", "replayed_at"]

    @admin.action(description="Replay: retry the task and resume its blocked dependents")
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
class LlmCallAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["job", "provider", "model", "tokens_in", "tokens_out", "cost_usd", "latency_s", "created_at"]
    list_filter = ["provider", "model"]
    search_fields = ["job__id", "model"]
