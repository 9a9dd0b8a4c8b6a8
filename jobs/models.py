"""Jobs own their data: jobs, plans, tasks, attempts, artifacts, events and dead letters.

Statuses change only through ``jobs.transitions``; these models hold data and queries.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class JobStatus(models.TextChoices):
    QUEUED = "queued"
    PLANNING = "planning"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class TaskStatus(models.TextChoices):
    PENDING = "pending"  # waiting for its dependencies
    READY = "ready"  # dependencies done; waiting for a worker
    RUNNING = "running"
    RETRYING = "retrying"  # failed an attempt; another one is scheduled
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    BLOCKED = "blocked"  # an upstream task failed
    CANCELLED = "cancelled"


JOB_TERMINAL = {JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED}
TASK_TERMINAL = {TaskStatus.SUCCEEDED, TaskStatus.FAILED, TaskStatus.CANCELLED}
TASK_ACTIVE = {TaskStatus.READY, TaskStatus.RUNNING, TaskStatus.RETRYING}


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No index of its own: the (owner, status, -created_at) index leads with it.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs", db_index=False)
    goal = models.TextField()
    context_json = models.JSONField(default=dict, blank=True)
    priority = models.PositiveSmallIntegerField(default=1)
    budget = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.id} [{self.status}] {self.goal[:60]}"

    @property
    def event_seq(self) -> int:
        """The seq of the job's latest event (0 before the first)."""
        return EventCounter.of(self.pk)


class Plan(models.Model):
    # No index of its own: the (job, version) index leads with it.
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="plans", db_index=False)
    version = models.PositiveIntegerField()
    source = models.CharField(max_length=32, help_text="mock, heuristic, openai or explicit")
    dag = models.JSONField(help_text="The plan as submitted or produced")
    valid = models.BooleanField(default=True)
    problems = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["job_id", "version"]
        constraints = [models.UniqueConstraint(fields=["job", "version"], name="plan_version_unique")]

    def __str__(self) -> str:
        return f"plan v{self.version} of {self.job_id}"


class Task(models.Model):
    # No index of its own: the (job, key) index leads with it.
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="tasks", db_index=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    key = models.CharField(max_length=64, help_text="Plan-local task id")
    tool = models.CharField(max_length=128)
    title = models.CharField(max_length=200, blank=True, default="")
    inputs = models.JSONField(default=dict)
    depends_on = models.JSONField(default=list, help_text="Plan-local ids of every parent")
    has_dependants = models.BooleanField(
        default=True,
        help_text="Whether another task of the job depends on this one: a completion looks for "
        "children to promote only then. Set by planning and replanning.",
    )
    dispatch = models.CharField(
        max_length=8,
        default="canvas",
        help_text="canvas: sent by the compiled canvas; advance: sent on completion; "
        "later: sent in a canvas segment of its own when it becomes ready",
    )
    status = models.CharField(max_length=16, choices=TaskStatus.choices, default=TaskStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=3)
    timeout_s = models.FloatField(null=True, blank=True)
    output = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    error_class = models.CharField(max_length=16, blank=True, default="")
    worker = models.CharField(max_length=255, blank=True, default="")
    celery_id = models.CharField(max_length=64, blank=True, default="", help_text="Celery id of the running message")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["job_id", "id"]
        constraints = [models.UniqueConstraint(fields=["job", "key"], name="task_key_unique")]
        indexes = [models.Index(fields=["job", "status"])]

    def __str__(self) -> str:
        return f"{self.key} ({self.tool}) [{self.status}]"


class TaskAttempt(models.Model):
    # No index of its own: the (task, number) index leads with it.
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="attempt_log", db_index=False)
    number = models.PositiveIntegerField()
    worker = models.CharField(max_length=255, blank=True, default="")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="Last sign of life of a running attempt")
    outcome = models.CharField(max_length=16, blank=True, default="")
    error_class = models.CharField(max_length=16, blank=True, default="")
    message = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["task_id", "number"]
        constraints = [models.UniqueConstraint(fields=["task", "number"], name="attempt_number_unique")]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.task_id}: {self.outcome or 'running'}"


class Artifact(models.Model):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="artifacts")
    task = models.ForeignKey(Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="artifacts")
    path = models.CharField(max_length=600, unique=True, help_text="Relative to the artifact root")
    name = models.CharField(max_length=512)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["job_id", "path"]

    def __str__(self) -> str:
        return self.path


class Event(models.Model):
    # No index of its own: the (job, seq) index leads with it.
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="events", db_index=False)
    seq = models.PositiveIntegerField(help_text="Per-job sequence number, from 1")
    type = models.CharField(max_length=64)
    task_key = models.CharField(max_length=64, blank=True, default="")
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["job_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["job", "seq"], name="event_seq_unique")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.type}"


class EventCounter(models.Model):
    """A job's event counter, in a row of its own: bumped by the last statement of each state
    change, so it is locked only from there to commit, while claims and completions of one job
    share the job's row (docs/executor.md, Locks)."""

    job = models.OneToOneField(Job, on_delete=models.CASCADE, primary_key=True, related_name="counter")
    seq = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.job_id}: {self.seq}"

    @staticmethod
    def of(job_id: uuid.UUID | str) -> int:
        """The seq of a job's latest event (0 before the first)."""
        return EventCounter.objects.filter(job_id=job_id).values_list("seq", flat=True).first() or 0


class DeadLetter(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="dead_letters")
    reason = models.TextField()
    error_class = models.CharField(max_length=16, blank=True, default="")
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    replayed = models.BooleanField(default=False)
    replayed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"dead letter for {self.task}"


class LlmCall(models.Model):
    """One LLM call's usage, charged to a job (and to the plan or task that made it)."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="llm_calls")
    plan = models.ForeignKey(Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="llm_calls")
    task = models.ForeignKey(Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="llm_calls")
    provider = models.CharField(max_length=32)
    model = models.CharField(max_length=128)
    tokens_in = models.PositiveIntegerField(default=0)
    tokens_out = models.PositiveIntegerField(default=0)
    latency_s = models.FloatField(default=0)
    cost_usd = models.FloatField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["job_id", "created_at"]

    def __str__(self) -> str:
        return f"{self.provider}/{self.model}: {self.tokens_in}+{self.tokens_out} tokens"
