"""The live publisher: a commit hands its events over and goes on; they leave in order, what waits
goes in one send, a failed send does not stop the ones after it, and ``flush`` waits for what
was handed over."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from jobs.publisher import Message, Publisher

ROOT = Path(__file__).resolve().parents[2]


def test_put_returns_before_the_send_and_flush_waits_for_it():
    release, sent = threading.Event(), []

    def slow_send(messages: Sequence[Message]) -> None:
        release.wait(5)
        sent.extend(messages)

    publisher = Publisher(slow_send)
    publisher.put([("job-1", "task.running", "{}")])
    assert sent == []  # the committer did not wait for Redis
    assert publisher.flush(timeout_s=0.05) is False
    release.set()
    assert publisher.flush(timeout_s=5) is True
    assert sent == [("job-1", "task.running", "{}")]


def test_messages_leave_in_the_order_they_were_handed_over():
    sent: list[str] = []
    publisher = Publisher(lambda messages: sent.extend(data for _, _, data in messages))
    for batch in range(20):
        publisher.put([("job-1", "task.ready", f"{batch}.{i}") for i in range(5)])
    assert publisher.flush(timeout_s=5)
    assert sent == [f"{batch}.{i}" for batch in range(20) for i in range(5)]


def test_a_failed_send_is_logged_and_the_next_ones_still_go(caplog):
    sent: list[str] = []

    def flaky(messages: Sequence[Message]) -> None:
        data = [d for _, _, d in messages]
        if "down" in data:
            raise RedisConnectionError("Redis is restarting")
        if "bad" in data:
            raise ValueError("not JSON")
        sent.extend(data)

    publisher = Publisher(flaky)
    for data in ("down", "bad", "after"):
        publisher.put([("job-1", "t", data)])
        assert publisher.flush(timeout_s=5)
    assert sent == ["after"]
    assert "Redis is restarting" in caplog.text and "live publish of 1 events (job-1 ...) failed" in caplog.text


def test_what_waits_when_the_thread_comes_round_goes_in_one_send():
    release, sends = threading.Event(), []

    def slow(messages: Sequence[Message]) -> None:
        release.wait(5)
        sends.append([data for _, _, data in messages])

    publisher = Publisher(slow)
    for n in range(5):
        publisher.put([("job-1", "task.ready", f"{n}.a"), ("job-1", "task.ready", f"{n}.b")])
    release.set()
    assert publisher.flush(timeout_s=5)
    assert [data for batch in sends for data in batch] == [f"{n}.{x}" for n in range(5) for x in "ab"]
    assert len(sends) < 5  # the batches that waited behind the first send went together


def test_flush_with_nothing_left_to_send_returns_at_once():
    assert Publisher(lambda messages: None).flush(timeout_s=0) is True
    sent: list[str] = []
    publisher = Publisher(lambda messages: sent.extend(data for _, _, data in messages))
    publisher.put([("job-1", "task.ready", "1")])
    assert publisher.flush(timeout_s=5) and sent == ["1"]
    assert publisher.flush(timeout_s=0) is True  # everything handed over was sent


def test_a_worker_pool_process_drains_its_queue_as_it_shuts_down(monkeypatch):
    from celery import signals

    from jobs import publisher as module

    release, sent = threading.Event(), []

    def slow(messages: Sequence[Message]) -> None:
        release.wait(5)
        sent.extend(data for _, _, data in messages)

    monkeypatch.setattr(module, "publisher", Publisher(slow))
    module.publisher.put([("job-1", "task.succeeded", "last")])
    threading.Timer(0.2, release.set).start()
    signals.worker_process_shutdown.send(sender=None, pid=0, exitcode=0)
    assert sent == ["last"]  # sent before the handler returned


def test_behind_a_hung_redis_the_queue_stays_bounded_and_drops_what_does_not_fit(caplog):
    release, sent = threading.Event(), []

    def hung(messages: Sequence[Message]) -> None:
        release.wait(5)
        sent.extend(data for _, _, data in messages)

    publisher = Publisher(hung, max_unsent=3)
    for n in range(10):
        publisher.put([("job-1", "task.ready", str(n))])
    assert publisher.dropped >= 6  # at most 3 waiting, and one being sent
    assert "dropped 1" in caplog.text
    release.set()
    assert publisher.flush(timeout_s=5)
    assert len(sent) == 10 - publisher.dropped and sent == sorted(sent, key=int)


# In a process with Redis set up: the same events sent through django-eventstream's ``send_event``
# and through the publisher's pipeline, as read back from the eventstream's Redis channel.
CONTRACT_PROBE = """
import json, time, uuid
import redis
from django.conf import settings
from django_eventstream import send_event
from jobs.publisher import REDIS_CHANNEL, _send

job, user = f"job-{uuid.uuid4()}", f"user-{uuid.uuid4()}"
data = json.dumps({"seq": 7, "job": job[4:], "type": "job.running", "task": None, "payload": {}, "at": None})
listener = redis.Redis(**settings.EVENTSTREAM_REDIS).pubsub(ignore_subscribe_messages=True)
listener.subscribe(REDIS_CHANNEL)
listener.get_message(timeout=1)
for channel in (job, user):
    send_event(channel, "job.running", data, json_encode=False)
    _send([(channel, "job.running", data)])
got, deadline = [], time.monotonic() + 10
while len(got) < 4 and time.monotonic() < deadline:
    message = listener.get_message(timeout=0.5)
    if message and json.loads(message["data"])["channel"] in (job, user):
        got.append(json.loads(message["data"]))
print(json.dumps(got))
"""


@pytest.mark.production
def test_the_pipeline_publishes_what_send_event_publishes(tmp_path):
    from conftest import REDIS_URL, require_service

    require_service("Redis", "127.0.0.1", 6379)
    env = {**os.environ, "AWE_DATA_DIR": str(tmp_path), "AWE_EVENTSTREAM_REDIS_URL": f"{REDIS_URL}/0"}
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", CONTRACT_PROBE], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    by_send_event, by_pipeline, other_by_send_event, other_by_pipeline = json.loads(done.stdout.splitlines()[-1])
    assert by_pipeline == by_send_event and by_pipeline["pub_id"] == "7"  # a job channel is replayable
    assert other_by_pipeline == other_by_send_event and other_by_pipeline["pub_id"] is None


def test_batches_handed_over_while_the_thread_lingers_go_in_one_send():
    sends: list[list[str]] = []
    publisher = Publisher(lambda messages: sends.append([d for _, _, d in messages]), linger_s=0.3)
    for n in range(3):
        publisher.put([("job-1", "task.ready", f"{n}")])
    assert publisher.flush(timeout_s=5)
    assert sends == [["0", "1", "2"]]


def test_without_linger_a_lone_batch_is_sent_at_once():
    sends: list[list[str]] = []
    publisher = Publisher(lambda messages: sends.append([d for _, _, d in messages]), linger_s=0)
    publisher.put([("job-1", "task.ready", "a")])
    assert publisher.flush(timeout_s=5)
    publisher.put([("job-1", "task.ready", "b")])
    assert publisher.flush(timeout_s=5)
    assert sends == [["a"], ["b"]]
