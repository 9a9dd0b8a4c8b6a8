"""What a Celery worker does for observability, wired by Celery's signals (imported by
``awe_project.celery``): tracing in each pool process, the worker's metrics port and heartbeat
gauge in its main process, and the Celery task id on every log line of a task."""

from __future__ import annotations

from typing import Any

from celery import signals

from observability import logs


@signals.worker_process_init.connect(weak=False)
def _pool_process_started(**_: Any) -> None:
    from observability import tracing

    tracing.setup("worker")


@signals.worker_process_shutdown.connect(weak=False)
def _pool_process_exiting(**_: Any) -> None:
    from observability import metrics, tracing

    tracing.shutdown()
    metrics.process_exited()


@signals.worker_init.connect(weak=False)
def _worker_started(**_: Any) -> None:
    from observability import exposition

    exposition.serve_worker_metrics()


@signals.heartbeat_sent.connect(weak=False)
def _heartbeat(sender: Any = None, **_: Any) -> None:
    """Celery's own worker heartbeat (every 2 s from the worker's main loop), as a gauge: a worker
    whose loop is stuck stops moving it (the "no worker heartbeat" alert)."""
    from observability import metrics

    metrics.worker_beat(getattr(getattr(sender, "eventer", None), "hostname", None) or "unknown")


@signals.task_prerun.connect(weak=False)
def _task_started(task_id: str | None = None, **_: Any) -> None:
    logs.celery_task_started(task_id or "")


@signals.task_postrun.connect(weak=False)
def _task_ended(**_: Any) -> None:
    logs.celery_task_ended()
