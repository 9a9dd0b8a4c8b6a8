"""Celery's configuration: the ``CELERY_*`` Django settings under Celery's own names, and nothing else.

Celery used to read the whole Django settings module (``config_from_object("django.conf:settings",
namespace="CELERY")``), so every Django setting was part of its configuration, and a worker hands
its configuration to anyone on the broker who asks (``celery inspect conf``, Flower's worker page).
Celery masks values by key name (``broker_url``, ``*backend*``, ``*PASS*``, ``*KEY*``, ...), which
missed ``CELERY_BROKER_URL`` and ``AWE_EVENTSTREAM_REDIS_URL``: their passwords were shown in clear.
Here Celery is given only its own settings, by the names its masking knows.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

PREFIX = "CELERY_"
# Read under its Django name by Celery's Django fix-up (celery.fixups.django), not a Celery setting.
DJANGO_FIXUP_KEYS = ("CELERY_DB_REUSE_MAX",)


def celery_settings() -> dict[str, Any]:
    """``CELERY_TASK_ACKS_LATE`` → ``task_acks_late``, as Celery's ``namespace="CELERY"`` would."""
    names = [name for name in dir(settings) if name.startswith(PREFIX) and name.isupper()]
    config = {name[len(PREFIX) :].lower(): getattr(settings, name) for name in names if name not in DJANGO_FIXUP_KEYS}
    config.update({name: getattr(settings, name) for name in DJANGO_FIXUP_KEYS if hasattr(settings, name)})
    return config


# Loaded by Celery when its configuration is first read (``app.config_from_object`` in awe_project.celery).
CONFIG = celery_settings()
