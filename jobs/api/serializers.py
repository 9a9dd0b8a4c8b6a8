"""Shapes of the API: what clients send and what they get back."""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jobs.api.schema import PLAN_REF
from jobs.models import Artifact, Event, Job, Plan, Task, TaskAttempt
from tools.storable import unstorable

MAX_GOAL_CHARS = 8000
MAX_CONTEXT_BYTES = 256 * 1024
PRIORITY_RANGE = (0, 9)


class StrictSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Rejects fields it does not know, naming them."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["expected a JSON object"]})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: ["unknown field"] for name in unknown})
        return super().to_internal_value(data)


@extend_schema_field(PLAN_REF)
class PlanField(serializers.JSONField):
    """A plan, documented in the OpenAPI schema with the same pydantic model that validates it."""


class BudgetSerializer(StrictSerializer):
    max_tasks = serializers.IntegerField(required=False, min_value=1, max_value=10_000)
    max_tokens = serializers.IntegerField(required=False, min_value=1)
    max_cost_usd = serializers.FloatField(required=False, min_value=0)
    max_parallel = serializers.IntegerField(required=False, min_value=1, max_value=1000)
    max_runtime_s = serializers.FloatField(
        required=False, min_value=1, max_value=7 * 24 * 3600, help_text="Wall-clock limit from the job's start"
    )


class JobCreateSerializer(StrictSerializer):
    """A goal to plan and run, or a goal with an explicit plan. Unknown fields are refused."""

    goal = serializers.CharField(max_length=MAX_GOAL_CHARS, trim_whitespace=True)
    context_json = serializers.JSONField(required=False, default=dict)
    priority = serializers.IntegerField(
        required=False, default=1, min_value=PRIORITY_RANGE[0], max_value=PRIORITY_RANGE[1]
    )
    budget = BudgetSerializer(required=False)
    plan = PlanField(required=False, help_text="An explicit plan: skips the planner, not validation")

    def validate_context_json(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise serializers.ValidationError("must be a JSON object")
        size = len(json.dumps(value))
        if size > MAX_CONTEXT_BYTES:
            raise serializers.ValidationError(f"is {size} bytes; the limit is {MAX_CONTEXT_BYTES}")
        if values := unstorable(value):
            raise serializers.ValidationError(values)
        return value

    def validate_plan(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise serializers.ValidationError('must be a JSON object like {"tasks": [...]}')
        return value


class ReplanSerializer(StrictSerializer):
    instructions = serializers.CharField(required=False, allow_blank=True, max_length=8000)


class TaskSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.CharField(source="key", help_text="Plan-local task id")
    duration_s = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id", "title", "tool", "status", "inputs", "depends_on", "dispatch", "attempts", "max_attempts",
            "output", "error", "error_class", "worker", "created_at", "started_at", "finished_at", "duration_s",
        ]  # fmt: skip

    def get_duration_s(self, task: Task) -> float | None:
        return _duration_s(task.started_at, task.finished_at)


def _duration_s(started: Any, finished: Any) -> float | None:
    return round((finished - started).total_seconds(), 3) if started and finished else None


class AttemptSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    duration_s = serializers.SerializerMethodField()

    class Meta:
        model = TaskAttempt
        fields = ["number", "worker", "started_at", "finished_at", "outcome", "error_class", "message", "duration_s"]

    def get_duration_s(self, attempt: TaskAttempt) -> float | None:
        return _duration_s(attempt.started_at, attempt.finished_at)


class TaskDetailSerializer(TaskSerializer):
    """One task with every attempt: worker, times, outcome and error of each."""

    attempt_log = AttemptSerializer(many=True, help_text="Every attempt, oldest first")

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "attempt_log"]


class PlanSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Plan
        fields = ["version", "source", "valid", "problems", "dag", "created_at"]


class ArtifactSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    task = serializers.CharField(source="task.key", default=None)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Artifact
        fields = ["path", "name", "size", "sha256", "content_type", "task", "created_at", "download_url"]

    def get_download_url(self, artifact: Artifact) -> str:
        return f"{reverse('artifact-download')}?path={artifact.path}"


class EventSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    task = serializers.CharField(source="task_key")
    at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = Event
        fields = ["seq", "type", "task", "payload", "at"]


class JobSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    owner = serializers.CharField(source="owner.username")
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id", "owner", "goal", "status", "priority", "context_json", "budget", "error", "progress",
            "created_at", "updated_at", "started_at", "finished_at",
        ]  # fmt: skip

    def get_progress(self, job: Job) -> dict[str, int]:
        counts: dict[str, int] = getattr(job, "task_counts", None) or {}
        if not counts:
            for status in job.tasks.values_list("status", flat=True):
                counts[status] = counts.get(status, 0) + 1
        return {"total": sum(counts.values()), **counts}


class JobDetailSerializer(JobSerializer):
    plan = serializers.SerializerMethodField()
    plans = serializers.SerializerMethodField(help_text="Every plan version, oldest first (replans add versions)")
    tasks = TaskSerializer(many=True)
    artifacts = ArtifactSerializer(many=True)
    recent_events = serializers.SerializerMethodField()

    usage = serializers.SerializerMethodField(help_text="LLM calls charged to the job: calls, tokens, cost")

    class Meta(JobSerializer.Meta):
        fields = [*JobSerializer.Meta.fields, "plan", "plans", "tasks", "artifacts", "recent_events", "usage"]

    def get_usage(self, job: Job) -> dict[str, Any]:
        from jobs.usage import totals

        return totals(job)

    def get_plan(self, job: Job) -> dict[str, Any] | None:
        plan = job.plans.order_by("-version").first()
        return PlanSerializer(plan).data if plan else None

    @extend_schema_field(PlanSerializer(many=True))
    def get_plans(self, job: Job) -> list[dict[str, Any]]:
        return list(PlanSerializer(job.plans.order_by("version"), many=True).data)

    def to_representation(self, instance: Job) -> dict[str, Any]:
        # The events first, then the job and its rows: everything read after the last event is at
        # least as new as it, so a client that applies only newer events never keeps a stale status.
        self._recent_events = list(instance.events.order_by("-seq")[:50])[::-1]
        instance.refresh_from_db()
        return super().to_representation(instance)  # type: ignore[no-any-return]

    def get_recent_events(self, job: Job) -> list[dict[str, Any]]:
        return list(EventSerializer(self._recent_events, many=True).data)


class ToolSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField()
    description = serializers.CharField()
    input_schema = serializers.JSONField()
    output_schema = serializers.JSONField()
    timeout_s = serializers.FloatField()
    queue = serializers.CharField()
