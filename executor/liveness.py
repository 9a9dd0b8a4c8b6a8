"""Is a worker alive? Asked through Celery's broadcast ping, only when a decision needs it."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def alive_workers(timeout_s: float = 1.0) -> set[str] | None:
    """Host names of workers answering a ping; ``None`` when the broker cannot broadcast."""
    from awe_project.celery import app

    try:
        replies = app.control.ping(timeout=timeout_s) or []
    except (OSError, NotImplementedError) as exc:
        log.warning("cannot ping workers: %s", exc)
        return None
    return {name for reply in replies for name in reply}


def worker_alive(hostname: str, timeout_s: float = 1.0) -> bool:
    """Whether ``hostname`` answers; when nobody can be asked, assume it is (never run twice)."""
    if not hostname:
        return False
    alive = alive_workers(timeout_s)
    return True if alive is None else hostname in alive
