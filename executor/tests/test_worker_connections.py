"""A worker keeps its database connection from one task to the next, and reopens it only when it
is older than CONN_MAX_AGE (as a web process does between requests)."""

from __future__ import annotations

import time

import pytest
from celery import signals
from celery.fixups.django import DjangoWorkerFixup
from django.db import connection

from awe_project.celery import app
from executor.tasks import run_task

pytestmark = pytest.mark.django_db(transaction=True)


def run_one_task_signals() -> None:
    """What a worker does around every task (our handler and Celery's Django fix-up)."""
    fixup = DjangoWorkerFixup(app)
    signals.task_prerun.send(sender=run_task, task_id="t", task=run_task)
    fixup.on_task_prerun(run_task)
    signals.task_postrun.send(sender=run_task, task_id="t", task=run_task)
    fixup.on_task_postrun(run_task)


def test_the_connection_survives_a_task_while_it_is_young():
    connection.ensure_connection()
    opened = connection.connection
    connection.close_at = time.monotonic() + 60  # what CONN_MAX_AGE=60 sets on connect
    run_one_task_signals()
    assert connection.connection is opened


def test_an_old_connection_is_closed_after_a_task():
    connection.ensure_connection()
    connection.close_at = time.monotonic() - 1
    run_one_task_signals()
    assert connection.connection is None


def test_a_connection_a_task_ended_with_a_moment_ago_is_not_probed_again(monkeypatch):
    from awe_project import celery as worker_signals

    connection.ensure_connection()
    connection.close_at = time.monotonic() + 60
    connection.health_check_enabled = True  # CONN_HEALTH_CHECKS, as on PostgreSQL (set on connect)
    signals.task_postrun.send(sender=run_task, task_id="t1", task=run_task)
    assert connection.health_check_done is False  # armed at the end of a task, as Django does
    signals.task_prerun.send(sender=run_task, task_id="t2", task=run_task)
    assert connection.health_check_done is True  # checked at t1's end: no SELECT 1 before t2

    signals.task_postrun.send(sender=run_task, task_id="t2", task=run_task)
    monkeypatch.setattr(
        worker_signals, "_last_check", [time.monotonic() - 2 * worker_signals.HEALTH_CHECK_AFTER_IDLE_S]
    )
    signals.task_prerun.send(sender=run_task, task_id="t3", task=run_task)
    assert connection.health_check_done is False  # idle for a while: probed on first use
    assert connection.connection is not None
    connection.close()  # the next test connects with the settings' own CONN_HEALTH_CHECKS
