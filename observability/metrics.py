"""AWE's Prometheus metrics (prometheus_client, multiprocess mode) and the calls that count them.

Every process of a host or container writes its samples to memory-mapped files in
``AWE_METRICS_DIR``; a scrape (``observability.exposition``) adds them up. Labels are bounded
sets: tool names (the registry), outcomes, error classes, queue names, event types, LLM providers
and models and MCP servers from settings. Never a job id, a task key or a user.

Each ``count_*``/``observe_*`` returns at once when ``AWE_METRICS_ENABLED`` is off. Callers count
after their transaction (``transaction.on_commit`` where it could still roll back), never inside
the executor's locking statements.
"""

from __future__ import annotations

import os
import time
from typing import Any

from django.conf import settings
from prometheus_client import Counter, Gauge, Histogram, values

# Multiprocess mode for the metrics below, whatever was imported first: settings.py put
# PROMETHEUS_MULTIPROC_DIR in the environment, but a library that imported prometheus_client
# before it would have left the in-process value class.
if settings.AWE_METRICS_ENABLED:
    values.ValueClass = values.MultiProcessValue()

ENABLED: bool = settings.AWE_METRICS_ENABLED

# Seconds: a no-op tool's attempt takes ~1 ms, a document's LLM iteration minutes.
TASK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800)
CALL_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)

JOBS_CREATED = Counter("awe_jobs_created", "Jobs created, by how they were planned.", ["source"])
JOBS_FINISHED = Counter("awe_jobs_finished", "Jobs that reached an end status, by outcome.", ["outcome"])
TASKS = Counter("awe_tasks", "Task attempts that ended, by tool and outcome.", ["tool", "outcome"])
TASK_SECONDS = Histogram(
    "awe_task_duration_seconds", "Time from a task's claim to its outcome, by tool.", ["tool"], buckets=TASK_BUCKETS
)
RETRIES = Counter("awe_task_retries", "Attempts that failed and will run again, by error class.", ["error_class"])
DEAD_LETTERS = Counter("awe_dead_letters", "Tasks that failed for good and were dead-lettered.", ["error_class"])
PLANNING_SECONDS = Histogram(
    "awe_planning_duration_seconds", "Time to plan a goal, by outcome.", ["outcome"], buckets=CALL_BUCKETS
)
PLAN_REJECTIONS = Counter("awe_plan_rejections", "Proposed plans rejected by validation, by problem.", ["reason"])
LLM_CALLS = Counter("awe_llm_calls", "LLM calls charged to jobs.", ["provider", "model"])
LLM_TOKENS = Counter("awe_llm_tokens", "LLM tokens charged to jobs, in and out.", ["provider", "model", "direction"])
LLM_COST = Counter("awe_llm_cost_usd", "LLM spending charged to jobs, in US dollars.", ["provider", "model"])
MCP_CALLS = Counter("awe_mcp_calls", "MCP tool calls, by server, tool and outcome.", ["server", "tool", "outcome"])
MCP_SECONDS = Histogram(
    "awe_mcp_call_duration_seconds", "MCP tool call latency.", ["server", "tool"], buckets=CALL_BUCKETS
)
SSE_CLIENTS = Gauge("awe_sse_clients", "Server-sent event streams open.", multiprocess_mode="livesum")
EVENTS = Counter("awe_events_recorded", "Events recorded (committed), by type.", ["type"])
WORKER_HEARTBEAT = Gauge(
    "awe_worker_heartbeat_timestamp_seconds",
    "When each Celery worker last sent its heartbeat (Unix time).",
    ["worker"],
    multiprocess_mode="max",
)


def count_job_created(source: str) -> None:
    if ENABLED:
        JOBS_CREATED.labels(source).inc()


def count_job_finished(outcome: str) -> None:
    if ENABLED:
        JOBS_FINISHED.labels(outcome).inc()


def count_task(tool: str, outcome: str, seconds: float | None = None) -> None:
    """An attempt ended: ``succeeded``, ``retried``, ``failed``, ``cancelled``, ``superseded`` or ``lost``."""
    if not ENABLED:
        return
    TASKS.labels(tool, outcome).inc()
    if seconds is not None:
        TASK_SECONDS.labels(tool).observe(seconds)


def count_retry(error_class: str) -> None:
    if ENABLED:
        RETRIES.labels(error_class or "unknown").inc()


def count_dead_letter(error_class: str) -> None:
    if ENABLED:
        DEAD_LETTERS.labels(error_class or "unknown").inc()


def observe_planning(outcome: str, seconds: float) -> None:
    if ENABLED:
        PLANNING_SECONDS.labels(outcome).observe(seconds)


def count_plan_rejection(reasons: list[str]) -> None:
    """One rejected plan version: counted once for each kind of problem it had."""
    if ENABLED:
        for reason in sorted(set(reasons)) or ["unknown"]:
            PLAN_REJECTIONS.labels(reason).inc()


def count_llm_call(usage: dict[str, Any]) -> None:
    if not ENABLED:
        return
    provider, model = str(usage.get("provider") or "unknown"), str(usage.get("model") or "unknown")
    LLM_CALLS.labels(provider, model).inc()
    LLM_TOKENS.labels(provider, model, "in").inc(int(usage.get("tokens_in") or 0))
    LLM_TOKENS.labels(provider, model, "out").inc(int(usage.get("tokens_out") or 0))
    LLM_COST.labels(provider, model).inc(float(usage.get("cost_usd") or 0.0))


def observe_mcp_call(server: str, tool: str, outcome: str, seconds: float) -> None:
    if ENABLED:
        MCP_CALLS.labels(server, tool, outcome).inc()
        MCP_SECONDS.labels(server, tool).observe(seconds)


def count_events(types: list[str]) -> None:
    if ENABLED:
        for type_ in types:
            EVENTS.labels(type_).inc()


def sse_client_opened() -> None:
    if ENABLED:
        SSE_CLIENTS.inc()


def sse_client_closed() -> None:
    if ENABLED:
        SSE_CLIENTS.dec()


def worker_beat(worker: str) -> None:
    if ENABLED:
        WORKER_HEARTBEAT.labels(worker).set(time.time())


def process_exited(pid: int | None = None) -> None:
    """Drop an exited process's share of the live gauges (SSE clients); its counters stay."""
    if ENABLED:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid or os.getpid(), str(settings.AWE_METRICS_DIR))
