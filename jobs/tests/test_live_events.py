"""Live events end to end: a worker records, a connected SSE client of the web process receives,
on both footprints (embedded: the web process tails the Event table; production: Redis)."""

from __future__ import annotations

import pytest

from conftest import FOOTPRINTS
from jobs.live import SeqFilter
from jobs.tests.sse import Stream, at, ended

pytestmark = pytest.mark.integration

TWO_WAITS = {
    "tasks": [
        {"id": "first", "tool": "core.wait", "inputs": {"seconds": 0.6}},
        {"id": "second", "tool": "core.wait", "inputs": {"seconds": 0.6}, "depends_on": ["first"]},
    ]
}


@pytest.fixture(scope="module", params=FOOTPRINTS)
def running(request, module_stack_factory):
    stack = module_stack_factory(request.param)
    stack.start_web()
    stack.start_worker()
    return stack


def _submit(stack, goal="Wait twice"):
    return stack.submit({"goal": goal, "plan": TWO_WAITS})["id"]


def test_worker_events_reach_a_connected_client_live_in_order(running):
    job_id = _submit(running)
    with Stream(running.http, f"{running.base}/api/jobs/{job_id}/events") as sse:
        events = sse.read_until(ended)
    seqs = [e["data"]["seq"] for e in events]
    assert seqs == list(range(1, len(seqs) + 1)), seqs
    assert events[-1]["event"] == "job.succeeded", running.logs()
    live = [e["event"] for e in events if at(e) > sse.opened_at]
    assert "task.succeeded" in live, "the worker's events should arrive on the open connection"


def test_a_client_that_reconnects_mid_run_gets_every_event_once(running):
    job_id = _submit(running)
    url = f"{running.base}/api/jobs/{job_id}/events"
    with Stream(running.http, url) as sse:
        first = sse.read_until(lambda e: e["data"]["seq"] >= 3)
    with Stream(running.http, url, **{"Last-Event-ID": first[-1]["id"]}) as sse:
        rest = sse.read_until(ended)
    seqs = [e["data"]["seq"] for e in first + rest]
    assert seqs == list(range(1, len(seqs) + 1)), seqs
    assert rest[-1]["event"] == "job.succeeded"


def test_the_job_list_feed_carries_job_level_events_of_the_users_jobs(running):
    with Stream(running.http, f"{running.base}/api/events") as feed:
        job_id = _submit(running, "Watched from the list")
        events = feed.read_until(lambda e: ended(e) and e["data"]["job"] == job_id)
    mine = [e for e in events if e["data"]["job"] == job_id]
    assert [e["event"] for e in mine][-1] == "job.succeeded"
    assert {"job.created", "job.running"} <= {e["event"] for e in mine}
    assert all(e["event"].startswith("job.") for e in events)


def test_another_user_gets_403_for_a_job_stream_and_nothing_on_their_feed(running):
    running.manage("shell", "-c", "from django.contrib.auth.models import User; User.objects.create_user('bob')")
    token = running.manage("drf_create_token", "bob").stdout.split()[2]
    bob = {"Authorization": f"Token {token}"}
    job_id = _submit(running)
    denied = running.get(f"/api/jobs/{job_id}/events", headers={"Accept": "text/event-stream", **bob})
    assert denied.status_code == 403
    assert "belongs to another user" in denied.text and "task." not in denied.text
    assert running.get("/api/jobs/00000000-0000-0000-0000-000000000000/events").status_code == 404
    with Stream(running.http, f"{running.base}/api/events", read_timeout=2, **bob) as feed:
        running.wait(_submit(running, "Not for bob"))
        assert feed.read_until_quiet() == []


def test_the_filter_drops_events_a_stream_already_sent():
    def block(seq, job="j"):
        return f'event: task.running\nid: job-{job}:{seq}\ndata: {{"seq": {seq}, "job": "{job}"}}\n\n'

    seen = SeqFilter()
    assert seen.chunk(block(1) + block(2)) == block(1) + block(2)
    assert seen.chunk(block(2) + block(3)) == block(3)
    assert seen.chunk(block(1, "other")) == block(1, "other")
    assert seen.chunk("event: keep-alive\ndata:\n\n") == "event: keep-alive\ndata:\n\n"


def test_the_filter_lets_a_late_event_through_once():
    def block(seq):
        return f'event: task.running\nid: job-j:{seq}\ndata: {{"seq": {seq}, "job": "j"}}\n\n'

    seen = SeqFilter()
    assert seen.chunk(block(4)) == block(4)  # the stream starts after the client's last id, 3
    assert seen.chunk(block(7)) == block(7)
    assert seen.chunk(block(5) + block(7)) == block(5)  # published after 7 by another worker
    assert seen.chunk(block(6) + block(5) + block(3)) == block(6)
    assert seen.floor["j"] == 7 and seen.above["j"] == set()


def test_watch_prints_the_history_then_live_events_until_the_job_ends(running):
    import json

    job_id = _submit(running)
    watched = running.manage("watch", job_id, "--json", "--timeout", "60")
    lines = [json.loads(line) for line in watched.stdout.splitlines()]
    assert [e["seq"] for e in lines] == list(range(1, len(lines) + 1))
    assert lines[-1]["type"] == "job.succeeded"
    table = running.manage("watch", job_id, "--after", str(len(lines) - 1)).stdout.splitlines()
    assert len(table) == 1 and "job.succeeded" in table[0]
    unknown = running.manage("watch", "00000000-0000-0000-0000-000000000000", check=False)
    assert unknown.returncode == 1 and "no job" in unknown.stderr
    bad = running.manage("watch", "nope", check=False)
    assert bad.returncode == 1 and "not a job id" in bad.stderr


def test_submit_wait_follows_the_job_to_its_end_and_lists_its_artifacts(running, tmp_path):
    import json

    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(TWO_WAITS))
    done = running.manage("submit", "Wait twice from the shell", "--plan", str(plan), "--wait", "--timeout", "60")
    lines = done.stdout.splitlines()
    assert lines[0].startswith("job ") and lines[0].endswith(" submitted")
    assert lines[-1].endswith(" succeeded"), done.stdout + done.stderr
    assert "2/2" in done.stderr  # the progress bar counted both tasks
    bad = running.manage("submit", "Bad plan", "--plan", str(plan), "--context", "[1]", check=False)
    assert bad.returncode == 1 and "--context must be a JSON object" in bad.stderr
    nan = running.manage("submit", "Bad context", "--context", '{"a": NaN, "b": "\\u0000"}', check=False)
    assert nan.returncode == 1, nan.stderr
    assert "--context: a: is nan, which JSON cannot carry; b: holds a NUL character (\\u0000)" in nan.stderr
