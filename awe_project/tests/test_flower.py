"""Flower and Celery's remote inspection, as an operator meets them on the production footprint:
PostgreSQL, and a Redis that wants a password, with every secret in the environment."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from conftest import ROOT, Stack, free_port, unavailable

pytestmark = pytest.mark.integration

REDIS_PASSWORD = "redis-pw-5e1f0c"
PG_PASSWORD = "pg-pw-77a2d9"
SECRETS = {
    "SECRET_KEY": "django-secret-3b9c41e8d2-" + "kq7Vw2xZ0pLm9sTe4RuYb6NcHa1JfGd5Oi8",
    "OPENAI_API_KEY": "sk-test-openai-9d8e7f",
    "AWS_SECRET_ACCESS_KEY": "aws-secret-41c0b7",
}
FLOWER_USER, FLOWER_PASSWORD = "ops", "flower-pw-c3a1"
WORKER = f"w1@{socket.gethostname()}"


def _leaks(text: str) -> list[str]:
    return [s for s in (REDIS_PASSWORD, PG_PASSWORD, FLOWER_PASSWORD, *SECRETS.values()) if s in text]


@pytest.fixture(scope="module")
def redis_with_password(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Redis server of this module's own that refuses clients without the password."""
    server = shutil.which("redis-server")
    if server is None:
        unavailable("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--requirepass", REDIS_PASSWORD, "--save", "",
         "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    import redis

    client = redis.Redis(port=port, password=REDIS_PASSWORD)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.05)
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(port=port).ping()  # the password is really needed
    yield f"redis://:{REDIS_PASSWORD}@127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def ops(module_stack_factory: Any, redis_with_password: str) -> Iterator[tuple[Stack, str]]:
    """A worker and Flower (with basic auth) on PostgreSQL and the password-protected Redis."""
    stack: Stack = module_stack_factory(
        "production",
        CELERY_BROKER_URL=f"{redis_with_password}/0",
        CELERY_RESULT_BACKEND=f"{redis_with_password}/1",
        AWE_EVENTSTREAM_REDIS_URL=f"{redis_with_password}/2",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        **SECRETS,
    )
    # PostgreSQL here trusts local clients, so a password in the URL is accepted and ignored.
    stack.env["DATABASE_URL"] = stack.env["DATABASE_URL"].replace("postgres@", f"postgres:{PG_PASSWORD}@", 1)
    assert PG_PASSWORD in stack.env["DATABASE_URL"]
    stack.env["FLOWER_BASIC_AUTH"] = f"{FLOWER_USER}:{FLOWER_PASSWORD}"
    stack.start_worker("w1", concurrency=1)
    port = free_port()
    stack._spawn([sys.executable, "-m", "awe_project.flower", f"--port={port}"], "flower")
    base = f"http://127.0.0.1:{port}"
    _wait_until(lambda: requests.get(f"{base}/healthcheck", timeout=1).ok, "Flower did not start", stack)
    _wait_until(lambda: WORKER in _celery(stack, "inspect", "ping", "-j"), "the worker did not answer", stack)
    yield stack, base


def _wait_until(check: Any, message: str, stack: Stack, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (requests.ConnectionError, requests.Timeout, subprocess.CalledProcessError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{message}\n{stack.logs()}")


def _celery(stack: Stack, *args: str) -> str:
    """``celery -A awe_project <args>`` as an operator runs it, with the stack's environment."""
    return subprocess.run(
        [sys.executable, "-m", "celery", "-A", "awe_project", *args, "-d", WORKER],
        cwd=ROOT, env=stack.env, capture_output=True, text=True, timeout=60, check=True,
    ).stdout  # fmt: skip


@pytest.mark.production
def test_celery_inspect_conf_shows_the_workers_settings_without_passwords_or_keys(ops):
    stack, _ = ops
    output = _celery(stack, "inspect", "conf", "-j")
    assert _leaks(output) == []
    conf = json.loads(output)[WORKER]
    assert conf["task_acks_late"] is True and conf["task_default_queue"] == "tools"
    assert conf["broker_url"].endswith("@127.0.0.1:" + stack.env["CELERY_BROKER_URL"].rsplit(":", 1)[1])
    assert "********" in conf["broker_url"] and "********" in conf["result_backend"]
    assert not any(key.isupper() and not key.startswith("CELERY_") for key in conf), "Django settings leak in"


@pytest.mark.production
def test_celery_inspect_stats_names_the_broker_without_its_password(ops):
    stack, _ = ops
    output = _celery(stack, "inspect", "stats", "-j")
    assert json.loads(output)[WORKER]["broker"]["hostname"] == "127.0.0.1"
    assert _leaks(output) == []


@pytest.mark.production
def test_flower_without_credentials_answers_401_on_pages_and_api(ops):
    _, base = ops
    for path in ("/", "/workers", f"/worker/{WORKER}", "/broker", "/tasks", "/api/workers", "/api/queues/length"):
        response = requests.get(f"{base}{path}", timeout=10)
        assert response.status_code == 401, (path, response.status_code)
    wrong = requests.get(f"{base}/broker", auth=(FLOWER_USER, "not-the-password"), timeout=10)
    assert wrong.status_code == 401
    assert requests.get(f"{base}/healthcheck", timeout=10).text == "OK"  # for probes, no sign-in


@pytest.mark.production
def test_flower_worker_page_and_api_show_the_config_without_secrets(ops):
    _, base = ops
    auth = (FLOWER_USER, FLOWER_PASSWORD)
    page = requests.get(f"{base}/worker/{WORKER}", auth=auth, timeout=30)
    assert page.status_code == 200
    assert _leaks(page.text) == []
    assert "broker_url" in page.text and "task_acks_late" in page.text  # the Config tab is there
    api = requests.get(f"{base}/api/workers", params={"refresh": "1"}, auth=auth, timeout=30)
    assert api.status_code == 200 and "broker_url" in json.dumps(api.json()[WORKER]["conf"])
    assert _leaks(api.text) == []


@pytest.mark.production
def test_flower_broker_view_lists_the_dead_letter_queue_with_its_depth(ops):
    stack, base = ops
    auth = (FLOWER_USER, FLOWER_PASSWORD)
    # A dead letter's message as executor.dlq.publish sends it, from a process of the stack.
    stack.manage(
        "shell", "-c",
        "from awe_project.celery import app; "
        "app.send_task('executor.dead_letter', args=[0], queue='dlq', routing_key='dlq')",
    )  # fmt: skip
    lengths = requests.get(f"{base}/api/queues/length", auth=auth, timeout=30).json()["active_queues"]
    assert {q["name"]: q["messages"] for q in lengths}["dlq"] == 1
    assert {"tools", "llm", "mcp"} <= {q["name"] for q in lengths}
    page = requests.get(f"{base}/broker", auth=auth, timeout=30)
    assert page.status_code == 200 and "<td>dlq</td>" in page.text
    assert _leaks(page.text) == []


def _flower_exit(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "awe_project.flower", f"--port={free_port()}", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@pytest.mark.parametrize("address", ["0.0.0.0", "::", ""])
def test_flower_refuses_to_listen_beyond_loopback_without_sign_in(tmp_path: Path, address: str):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLOWER_", "CELERY_", "DATABASE"))}
    env["AWE_DATA_DIR"] = str(tmp_path)
    result = _flower_exit(env, f"--address={address}")
    assert result.returncode != 0
    assert "refuses to listen" in result.stderr and "FLOWER_BASIC_AUTH" in result.stderr
