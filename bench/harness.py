"""A production-footprint AWE for benchmarks: a fresh PostgreSQL database, a Redis database,
Django set up in this process (the client) and Celery workers in subprocesses."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("AWE_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_SERVER = "redis://127.0.0.1:6379"
REDIS = os.environ.get("AWE_BENCH_REDIS", f"{REDIS_SERVER}/13")  # bench.sse's fixed database


def _redis_url() -> tuple[str, int | None]:
    """``AWE_BENCH_REDIS`` when set; else a database number claimed as the tests claim theirs
    (conftest.py), so that benchmarks and test runs sharing the Redis server never flush or
    consume each other's messages."""
    if given := os.environ.get("AWE_BENCH_REDIS"):
        return given, None
    import redis

    from conftest import _claim_redis_db

    number = _claim_redis_db(redis.Redis.from_url(f"{REDIS_SERVER}/0"))
    return f"{REDIS_SERVER}/{number}", number


class Harness:
    def __init__(self, **extra_env: str) -> None:
        self.db = f"awe_bench_{uuid.uuid4().hex[:8]}"
        self.data_dir = Path(tempfile.mkdtemp(prefix="awe-bench-"))
        self.redis, self.claimed = _redis_url()
        redis_url = self.redis
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("AWE_", "CELERY_", "DATABASE_", "OTEL_"))},
            "DATABASE_URL": f"{PG}/{self.db}",
            "CELERY_BROKER_URL": redis_url,
            "CELERY_RESULT_BACKEND": redis_url,
            "AWE_EVENTSTREAM_REDIS_URL": redis_url,
            "AWE_DATA_DIR": str(self.data_dir),
            "AWE_TOOL_MODULES": "bench.noop_tools,bench.hops",
            "AWE_BENCH_HOPS_LOG": str(self.data_dir / "hops.log"),
            "AWE_MAX_PLAN_TASKS": "5000",
            "AWE_LOCAL_USER": "bench",
            # a production footprint refuses to start without them (awe_project/production.py)
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            **extra_env,
        }
        self.workers: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> Harness:
        import psycopg
        import redis

        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.db}"')
        redis.Redis.from_url(self.redis).flushdb()
        os.environ.update(self.env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "awe_project.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        return self

    def start_worker(self, concurrency: int, name: str = "bench", **env: str) -> subprocess.Popen[bytes]:
        """A worker subprocess; ``env`` adds to (or overrides) the harness's environment for it."""
        log = (self.data_dir / f"{name}.log").open("ab")
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "awe_project", "worker", "-l", "warning", "-c", str(concurrency),
             "-Q", "tools,llm,mcp", "-n", f"{name}@%h", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.workers.append(proc)
        from awe_project.celery import app

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if app.control.ping(destination=[f"{name}@{os.uname().nodename}"], timeout=0.5):
                return proc
        raise RuntimeError(f"worker {name} did not start; see {self.data_dir}")

    def stop_worker(self, proc: subprocess.Popen[bytes]) -> None:
        import signal

        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
        self.workers.remove(proc)

    def __exit__(self, *exc: object) -> None:
        for proc in list(self.workers):
            self.stop_worker(proc)
        from django.db import connections

        connections.close_all()
        import psycopg

        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
        if self.claimed is not None:
            import redis

            redis.Redis.from_url(f"{REDIS_SERVER}/0").delete(f"awe-test-claim:{self.claimed}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_kib(pid: int) -> int:
    """Resident memory of a process and its children (the worker pool), in KiB."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def cpu_s(commands: tuple[str, ...] = ("celery", "postgres", "redis-server")) -> dict[str, float]:
    """CPU seconds (user + system) used so far by the processes of each command and the children
    they reaped, machine-wide."""
    tick = os.sysconf("SC_CLK_TCK")
    used = dict.fromkeys(commands, 0.0)
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue  # gone meanwhile
        name = next((c for c in commands if any(c.encode() in part for part in argv[:3])), None)
        if name is not None:
            fields = stat.rsplit(")", 1)[1].split()
            # utime + stime, and cutime + cstime: the processes it has reaped (a PostgreSQL
            # backend that exited counts in the postmaster, a replaced pool child in its worker)
            used[name] += sum(int(f) for f in fields[11:15]) / tick
    return used
