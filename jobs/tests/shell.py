"""Scripts run in a Django shell of a test stack, for what only a real PostgreSQL shows (row
locks, statements' snapshots): each prints one ``RESULT <json>`` line."""

from __future__ import annotations

import json
from typing import Any

# Defines ``while_held(hold, ask)``: one thread runs ``hold(pause)``, which calls ``pause()`` where
# it holds the locks under test, while another runs ``ask()`` with a 200 ms lock_timeout; returns
# "waited" or "granted". And ``while_job_is_locked(task, ask)``: the task's job row held for
# update (as cancel, retry or settle do).
LOCK_PRELUDE = """
import threading
from django.db import connection, transaction
from django.db.utils import OperationalError
from jobs.transitions import lock_job_of

def while_held(hold, ask):
    held, done, seen = threading.Event(), threading.Event(), {}
    def pause():
        held.set()
        done.wait(30)
    def holder():
        hold(pause)
        connection.close()
    def asker():
        held.wait(30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        try:
            ask()
            seen["outcome"] = "granted"
        except OperationalError:
            seen["outcome"] = "waited"
        finally:
            done.set()
            connection.close()
    threads = [threading.Thread(target=holder), threading.Thread(target=asker)]
    for thread in threads: thread.start()
    for thread in threads: thread.join(60)
    return seen.get("outcome", "no answer")

def while_job_is_locked(task, ask):
    def hold(pause):
        with transaction.atomic():
            lock_job_of(task)
            pause()
    return while_held(hold, ask)
"""


def run_script(stack: Any, script: str) -> dict[str, Any]:
    run = stack.manage("shell", "-c", script, check=False)
    assert run.returncode == 0, run.stderr
    line = next(line for line in run.stdout.splitlines() if line.startswith("RESULT "))
    return dict(json.loads(line.removeprefix("RESULT ")))
