"""The Celery application shared by the web process, workers and beat."""

import os
from typing import Any

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "awe_project.settings")

app = Celery("awe")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["executor"])


@signals.task_prerun.connect
@signals.task_postrun.connect
def recycle_database_connections(task: Any = None, **_: Any) -> None:
    """Treat each task like a web request: close the connection only when it is broken or older
    than ``CONN_MAX_AGE`` (Celery's own Django fix-up, held off by ``CELERY_DB_REUSE_MAX``,
    would open a new one for every task — a PostgreSQL backend forked per task)."""
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
