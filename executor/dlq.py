"""The dead-letter queue: a DeadLetter row per task that failed for good, mirrored as a message
on the ``dlq`` Celery queue (no worker consumes it; Flower and the broker show its depth)."""

from __future__ import annotations

import logging

from django.conf import settings

from jobs.models import DeadLetter, Task

log = logging.getLogger(__name__)
DLQ = "dlq"


def publish(letter: DeadLetter) -> None:
    """Put the dead letter on the ``dlq`` queue (after commit; the row is the truth)."""
    if not settings.AWE_DLQ_ENABLED:
        return
    from awe_project.celery import app

    try:
        app.send_task("executor.dead_letter", args=[letter.pk], kwargs=letter.payload, queue=DLQ, routing_key=DLQ)
    except OSError as exc:
        log.warning("could not publish dead letter %s to the dlq queue: %s", letter.pk, exc)


def purge_queue() -> int:
    """Drop the messages waiting on the ``dlq`` queue; returns how many."""
    from awe_project.celery import app

    with app.connection_for_write() as conn:
        return int(conn.default_channel.queue_purge(DLQ) or 0)


def replay(letter: DeadLetter) -> Task:
    """Retry the dead-lettered task (its blocked dependents resume); raises when not replayable."""
    from executor.control import retry_tasks

    if letter.replayed:
        raise ValueError(f"dead letter {letter.pk} was already replayed at {letter.replayed_at:%Y-%m-%d %H:%M:%S}")
    retry_tasks(letter.task.job, [letter.task.key])
    return Task.objects.get(pk=letter.task_id)
