"""Queue depth as the broker counts it: on Redis, every priority list of a queue."""

from __future__ import annotations

import pytest
from celery import Celery

from conftest import REDIS_URL, _claim_redis_db, require_service
from observability.exposition import queue_depths


@pytest.fixture
def redis_db():
    require_service("Redis", "127.0.0.1", 6379)
    import redis

    root = redis.Redis.from_url(f"{REDIS_URL}/0")
    number = _claim_redis_db(root)
    client = redis.Redis.from_url(f"{REDIS_URL}/{number}")
    client.flushdb()
    yield number, client
    client.flushdb()
    root.delete(f"awe-test-claim:{number}")


@pytest.mark.production
def test_every_priority_list_of_a_queue_is_counted_whichever_steps_are_configured(redis_db):
    number, client = redis_db
    # Configured with two steps, while messages sit on lists of other steps (a change of steps
    # with messages in flight): all of them are waiting, all are counted.
    app = Celery(broker=f"{REDIS_URL}/{number}",
                 broker_transport_options={"priority_steps": [0, 5], "sep": ":", "queue_order_strategy": "priority"})  # fmt: skip
    for key, n in {"tools": 2, "tools:3": 1, "tools:9": 4, "llm:5": 3, "dlq": 1, "other": 7}.items():
        client.rpush(key, *[b"m"] * n)
    assert queue_depths(app) == {"tools": 7, "llm": 3, "mcp": 0, "dlq": 1}


def test_the_embedded_broker_counts_the_messages_waiting_on_each_queue():
    from awe_project.celery import app

    before = queue_depths()
    assert set(before) == {"tools", "llm", "mcp", "dlq"}
    app.send_task("executor.dead_letter", args=[0], queue="dlq", routing_key="dlq")
    after = queue_depths()
    assert after["dlq"] == before["dlq"] + 1 and after["tools"] == before["tools"]
