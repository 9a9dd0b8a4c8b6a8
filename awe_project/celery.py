"""The Celery application shared by the web process, workers and beat."""

import os
import time
from typing import Any

from celery import Celery, signals

import observability.worker  # noqa: F401 - connects the workers' observability signals (tracing, metrics, logs)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "awe_project.settings")

app = Celery("awe")
# Only the CELERY_* settings, by Celery's own names: a worker shows its configuration to anyone on
# the broker (`celery inspect conf`, Flower), masked by those names (awe_project/celery_config.py).
app.config_from_object("awe_project.celery_config:CONFIG")
app.autodiscover_tasks(["executor"])


# A connection that passed the previous task's end-of-task check less than this long ago is
# trusted at the next task's start instead of being probed again (a ``SELECT 1`` round trip per
# task on a busy worker).
HEALTH_CHECK_AFTER_IDLE_S = 1.0
_last_check: list[float] = [float("-inf")]


@signals.task_postrun.connect
def recycle_database_connections(task: Any = None, **_: Any) -> None:
    """Treat each task like a web request: close the connection only when it is broken or older
    than ``CONN_MAX_AGE`` (Celery's own Django fix-up, held off by ``CELERY_DB_REUSE_MAX``,
    would open a new one for every task — a PostgreSQL backend forked per task)."""
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()  # also arms the health check (CONN_HEALTH_CHECKS) of the next use
    _last_check[0] = time.monotonic()


@signals.task_prerun.connect
def check_database_connections(task: Any = None, **_: Any) -> None:
    """Before a task: a connection idle for a while is health-checked on first use (armed by the
    last task's end); one the previous task ended with a moment ago was just checked there —
    it is kept without a second probe."""
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections, connections

    if time.monotonic() - _last_check[0] >= HEALTH_CHECK_AFTER_IDLE_S:
        close_old_connections()
        return
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and not conn.errors_occurred:
            conn.health_check_done = True  # type: ignore[attr-defined]  # Django keeps no public setter
