"""Shared fixtures. ``stack`` runs AWE for real: a uvicorn web server and Celery worker
subprocesses on a footprint (embedded: SQLite + filesystem broker; production: PostgreSQL +
Redis), driven over HTTP like a user would."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
import requests

ROOT = Path(__file__).resolve().parent
PG_URL = os.environ.get("AWE_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("AWE_TEST_REDIS", "redis://127.0.0.1:6379")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
TERMINAL = {"succeeded", "failed", "cancelled"}

# Processes with a production service configured refuse to start without these two
# (awe_project/production.py): every process a test starts inherits a key made for this run.
# The tests of that refusal set their environment explicitly, without them.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def unavailable(message: str) -> NoReturn:
    """Something a test needs is missing: skip with the reason on a laptop; under CI=true fail."""
    if IN_CI:
        pytest.fail(f"{message} (CI=true: everything the tests need must be there)")
    pytest.skip(message)


def require_service(name: str, host: str, port: int) -> None:
    if not _reachable(host, port):
        unavailable(f"{name} is not reachable on {host}:{port}; start it to run the production-footprint tests")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Stack:
    """One running AWE: web + workers in subprocesses, sharing an environment and a Python
    (this one by default; another venv's to run the processes on its packages)."""

    def __init__(self, name: str, env: dict[str, str], data_dir: Path, python: str = sys.executable) -> None:
        self.name = name
        self.env = env
        self.data_dir = data_dir
        self.python = python
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.procs: list[subprocess.Popen[bytes]] = []
        self.workers: list[subprocess.Popen[bytes]] = []
        self.http = requests.Session()

    def _spawn(self, args: list[str], log_name: str) -> subprocess.Popen[bytes]:
        log = open(self.data_dir / f"{log_name}.log", "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.procs.append(proc)
        return proc

    def manage(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.python, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True,
            timeout=timeout, check=check,
        )  # fmt: skip

    def start_web(self) -> None:
        self._spawn(
            [self.python, "-m", "uvicorn", "awe_project.asgi:application", "--host", "127.0.0.1",
             "--port", str(self.port), "--log-level", "warning"],
            "web",
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.http.get(f"{self.base}/healthz", timeout=1).ok:
                    return
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or a busy machine
                time.sleep(0.1)
        raise RuntimeError(f"web server did not start; see {self.data_dir / 'web.log'}")

    def start_worker(
        self, name: str = "w1", concurrency: int = 4, queues: str = "tools,llm,mcp"
    ) -> subprocess.Popen[bytes]:
        proc = self._spawn(
            [self.python, "-m", "celery", "-A", "awe_project", "worker", "-l", "info", "-c", str(concurrency),
             "-Q", queues, "-n", f"{name}@%h", "--without-mingle", "--without-gossip"],
            f"worker-{name}",
        )  # fmt: skip
        self.workers.append(proc)
        return proc

    def start_beat(self) -> subprocess.Popen[bytes]:
        return self._spawn(
            [self.python, "-m", "celery", "-A", "awe_project", "beat", "-l", "info",
             "-s", str(self.data_dir / "beat-schedule")],
            "beat",
        )  # fmt: skip

    def stop(self) -> None:
        """Stop every process; nothing of the stack is kept, so whatever has not exited after a
        short grace is killed (a worker on the filesystem broker takes 4-10 s to shut down warm)."""
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 2
        for proc in self.procs:
            try:
                proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    # --- the API, as a user uses it -----------------------------------------------------------
    def post(self, path: str, json: Any = None) -> requests.Response:
        return self.http.post(f"{self.base}{path}", json=json, timeout=30)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.get(f"{self.base}{path}", timeout=30, **kwargs)

    def submit(self, body: dict[str, Any]) -> dict[str, Any]:
        response = self.post("/api/jobs", body)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def wait(self, job_id: str, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.get(f"/api/jobs/{job_id}").json()
            if job["status"] in TERMINAL:
                return dict(job)
            time.sleep(0.1)
        raise AssertionError(
            f"job {job_id} did not finish in {timeout} s: {self.get(f'/api/jobs/{job_id}/details').text}"
        )

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-4000:]}" for p in self.data_dir.glob("*.log"))


def _production_env(base: dict[str, str], db_name: str, redis_db: int) -> dict[str, str]:
    return {
        **base,
        "DATABASE_URL": f"{PG_URL}/{db_name}",
        "CELERY_BROKER_URL": f"{REDIS_URL}/{redis_db}",
        "CELERY_RESULT_BACKEND": f"{REDIS_URL}/{redis_db}",
        "AWE_EVENTSTREAM_REDIS_URL": f"{REDIS_URL}/{redis_db}",
        "AWE_LOCAL_USER": "local",  # the suite drives the API anonymously, as on a laptop
    }


def _claim_redis_db(client: Any) -> int:
    """Claim a Redis database number (1-15) so concurrent test runs never share one."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for number in range(1, 16):
            if client.set(f"awe-test-claim:{number}", os.getpid(), nx=True, ex=900):
                return number
        time.sleep(0.5)
    raise RuntimeError("no free Redis database for the test stack")


def _create_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Both footprints, for module-scoped fixtures: ``@pytest.fixture(scope="module", params=FOOTPRINTS)``.
FOOTPRINTS = ["embedded", pytest.param("production", marks=pytest.mark.production)]


@pytest.fixture(params=["embedded", "production"])
def footprint(request: pytest.FixtureRequest) -> str:
    if request.param == "production":
        request.applymarker(pytest.mark.production)
    return str(request.param)


def _stacks(root: Path) -> Iterator[Any]:
    """Build ``Stack``s on a footprint, migrated, under ``root``; all are stopped and their
    databases dropped at the end. Web and workers are started by the caller."""
    made: list[tuple[Stack, str | None, int | None]] = []

    def make(footprint: str, python: str = sys.executable, **extra_env: str) -> Stack:
        data_dir = root / f"awe-{footprint}-{len(made)}"
        data_dir.mkdir()
        base = {
            k: v for k, v in os.environ.items()
            if not k.startswith(("AWE_", "CELERY_", "DATABASE_", "DJANGO_", "DOCUMENT_STORE_"))
        }  # fmt: skip
        base.update({"AWE_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1", **extra_env})
        db_name = redis_db = None
        if footprint == "production":
            require_service("PostgreSQL", "127.0.0.1", 5432)
            require_service("Redis", "127.0.0.1", 6379)
            import redis

            db_name = f"awe_it_{uuid.uuid4().hex[:10]}"
            redis_db = _claim_redis_db(redis.Redis.from_url(f"{REDIS_URL}/0"))
            redis.Redis.from_url(f"{REDIS_URL}/{redis_db}").flushdb()
            _create_database(db_name)
            env = _production_env(base, db_name, redis_db)
            env.update(extra_env)
        else:
            env = base
        stack = Stack(footprint, env, data_dir, python)
        made.append((stack, db_name, redis_db))
        stack.manage("migrate", "-v0")
        return stack

    yield make
    for stack, db_name, redis_db in made:
        stack.stop()
        if db_name:
            _drop_database(db_name)
        if redis_db is not None:
            import redis

            redis.Redis.from_url(f"{REDIS_URL}/0").delete(f"awe-test-claim:{redis_db}")


@pytest.fixture
def stack_factory(tmp_path: Path) -> Iterator[Any]:
    """Stacks that live for one test."""
    yield from _stacks(tmp_path)


@pytest.fixture(scope="module")
def module_stack_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Stacks shared by the tests of one module (e.g. a browser suite against one server)."""
    yield from _stacks(tmp_path_factory.mktemp("stacks"))


@pytest.fixture
def stack(stack_factory: Any, footprint: str) -> Iterator[Stack]:
    """A running stack (web + one worker) on each footprint."""
    running: Stack = stack_factory(footprint)
    running.start_web()
    running.start_worker()
    yield running


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say how many tests ran on PostgreSQL + Redis, so a CI log shows they really ran."""
    counts: dict[str, int] = {}
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            if "production" in getattr(report, "keywords", {}) and report.when in ("call", "setup"):
                if outcome == "passed" and report.when != "call":
                    continue
                counts[outcome] = counts.get(outcome, 0) + 1
    if counts:
        summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
        terminalreporter.write_line(f"PostgreSQL + Redis footprint tests: {summary}")
