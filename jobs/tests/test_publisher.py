"""The live publisher: a commit hands its events over and goes on; they leave in order, a failed
send does not stop the ones after it, and ``flush`` waits for what was handed over."""

from __future__ import annotations

import threading

from redis.exceptions import ConnectionError as RedisConnectionError

from jobs.publisher import Publisher


def test_put_returns_before_the_send_and_flush_waits_for_it():
    release, sent = threading.Event(), []

    def slow_send(channel: str, type_: str, data: str) -> None:
        release.wait(5)
        sent.append((channel, type_, data))

    publisher = Publisher(slow_send)
    publisher.put([("job-1", "task.running", "{}")])
    assert sent == []  # the committer did not wait for Redis
    assert publisher.flush(timeout_s=0.05) is False
    release.set()
    assert publisher.flush(timeout_s=5) is True
    assert sent == [("job-1", "task.running", "{}")]


def test_messages_leave_in_the_order_they_were_handed_over():
    sent: list[str] = []
    publisher = Publisher(lambda channel, type_, data: sent.append(data))
    for batch in range(20):
        publisher.put([("job-1", "task.ready", f"{batch}.{i}") for i in range(5)])
    assert publisher.flush(timeout_s=5)
    assert sent == [f"{batch}.{i}" for batch in range(20) for i in range(5)]


def test_a_failed_send_is_logged_and_the_next_ones_still_go(caplog):
    sent: list[str] = []

    def flaky(channel: str, type_: str, data: str) -> None:
        if data == "down":
            raise RedisConnectionError("Redis is restarting")
        if data == "bad":
            raise ValueError("not JSON")
        sent.append(data)

    publisher = Publisher(flaky)
    publisher.put([("job-1", "t", "down"), ("job-1", "t", "bad"), ("job-1", "t", "after")])
    assert publisher.flush(timeout_s=5)
    assert sent == ["after"]
    assert "Redis is restarting" in caplog.text and "live publish on job-1 failed" in caplog.text


def test_flush_with_nothing_left_to_send_returns_at_once():
    assert Publisher(lambda *message: None).flush(timeout_s=0) is True
    sent: list[str] = []
    publisher = Publisher(lambda channel, type_, data: sent.append(data))
    publisher.put([("job-1", "task.ready", "1")])
    assert publisher.flush(timeout_s=5) and sent == ["1"]
    assert publisher.flush(timeout_s=0) is True  # everything handed over was sent


def test_a_worker_pool_process_drains_its_queue_as_it_shuts_down(monkeypatch):
    from celery import signals

    from jobs import publisher as module

    release, sent = threading.Event(), []

    def slow(channel: str, type_: str, data: str) -> None:
        release.wait(5)
        sent.append(data)

    monkeypatch.setattr(module, "publisher", Publisher(slow))
    module.publisher.put([("job-1", "task.succeeded", "last")])
    threading.Timer(0.2, release.set).start()
    signals.worker_process_shutdown.send(sender=None, pid=0, exitcode=0)
    assert sent == ["last"]  # sent before the handler returned


def test_behind_a_hung_redis_the_queue_stays_bounded_and_drops_what_does_not_fit(caplog):
    release, sent = threading.Event(), []

    def hung(channel: str, type_: str, data: str) -> None:
        release.wait(5)
        sent.append(data)

    publisher = Publisher(hung, max_unsent=3)
    for n in range(10):
        publisher.put([("job-1", "task.ready", str(n))])
    assert publisher.dropped >= 6  # at most 3 waiting, and one being sent
    assert "dropped 1" in caplog.text
    release.set()
    assert publisher.flush(timeout_s=5)
    assert len(sent) == 10 - publisher.dropped and sent == sorted(sent, key=int)
