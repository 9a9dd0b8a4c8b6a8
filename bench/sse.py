"""Live event latency: an event recorded by another process (as a worker does) → received by an
SSE client of the web process, p50/p95 over 1,000 events, on Redis and on the embedded default.

``python -m bench.sse`` runs both footprints; each footprint runs in its own process
(``python -m bench.sse run <footprint>``) because Django is set up once per process.
"""

from __future__ import annotations

import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.harness import PG, REDIS, ROOT

EVENTS = 1000
GAP_S = 0.005  # between two recorded events: a busy job, not a flood


def _env(footprint: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWE_", "CELERY_", "DATABASE_"))}
    env.update(
        {"AWE_DATA_DIR": str(data_dir), "AWE_LOCAL_USER": "bench", "DJANGO_SETTINGS_MODULE": "awe_project.settings"}
    )
    if footprint == "redis":
        env.update(
            {
                "DATABASE_URL": f"{PG}/awe_bench_sse_{os.getpid()}",
                "CELERY_BROKER_URL": REDIS,
                "CELERY_RESULT_BACKEND": REDIS,
                "AWE_EVENTSTREAM_REDIS_URL": REDIS,
                # a production footprint refuses to start without them (awe_project/production.py)
                "SECRET_KEY": secrets.token_urlsafe(50),
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
            }
        )
    return env


def emit(job_id: str, count: int) -> None:
    """The recording side: like a worker, record events in this process, one transaction each."""
    import django

    django.setup()
    from jobs.events import record

    for n in range(count):
        record(job_id, "bench.tick", {"n": n, "t": time.time()})
        time.sleep(GAP_S)


def _percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


def run(footprint: str) -> dict[str, Any]:
    """One footprint: web server + SSE client here, the recording process beside it."""
    import django
    import requests

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from bench.harness import free_port
    from jobs.actions import create_job
    from jobs.api.auth import local_user

    call_command("migrate", verbosity=0)
    job = create_job(local_user(), "Live event latency")
    port = free_port()
    web = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "awe_project.asgi:application", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, env=os.environ.copy(), start_new_session=True,
    )  # fmt: skip
    latencies: list[float] = []
    opened = threading.Event()
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if requests.get(f"{base}/healthz", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)

        def listen() -> None:
            with requests.get(
                f"{base}/api/jobs/{job.pk}/events",
                headers={"Accept": "text/event-stream"},
                stream=True,
                timeout=(5, 30),
            ) as response:
                for line in response.iter_lines(decode_unicode=True):
                    if line.startswith("event: stream-open"):
                        opened.set()
                    if line.startswith("data: {"):
                        data = json.loads(line[6:])
                        if data["type"] == "bench.tick":
                            latencies.append(time.time() - data["payload"]["t"])
                            if data["payload"]["n"] == EVENTS - 1:
                                return

        client = threading.Thread(target=listen, daemon=True)
        client.start()
        opened.wait(30)
        subprocess.run(
            [sys.executable, "-m", "bench.sse", "emit", str(job.pk), str(EVENTS)], cwd=ROOT, env=os.environ.copy(),
            check=True,
        )  # fmt: skip
        client.join(60)
    finally:
        web.terminate()
        web.wait(30)
    ms = [x * 1000 for x in latencies]
    return {
        "footprint": footprint,
        "received": len(ms),
        "p50_ms": statistics.median(ms) if ms else float("nan"),
        "p95_ms": _percentile(ms, 95) if len(ms) > 1 else float("nan"),
        "transport": "Redis pub/sub"
        if settings.AWE_EVENTSTREAM_REDIS_URL
        else f"Event table tail every {settings.AWE_EVENTS_POLL_S * 1000:g} ms",
    }


def _run_footprint(footprint: str) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"awe-bench-sse-{footprint}-"))
    env = _env(footprint, data_dir)
    db = env.get("DATABASE_URL", "").rsplit("/", 1)[-1]
    if footprint == "redis":
        import psycopg
        import redis

        redis.Redis.from_url(REDIS).flushdb()
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{db}"')
    try:
        out = subprocess.run(
            [sys.executable, "-m", "bench.sse", "run", footprint], cwd=ROOT, env=env, capture_output=True, text=True,
            check=True, timeout=600,
        )  # fmt: skip
        return dict(json.loads(out.stdout.strip().splitlines()[-1]))
    finally:
        if footprint == "redis":
            import psycopg

            with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def main() -> list[str]:
    rows = [_run_footprint(f) for f in ("redis", "embedded")]
    lines = [
        f"## Live events: recorded in another process → received by an SSE client ({EVENTS} events; target p95 < 50 ms on Redis)",
        "| footprint | transport | received | p50 ms | p95 ms |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['footprint']} | {r['transport']} | {r['received']} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} |"
        )
    return lines


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "run":
        print(json.dumps(run(sys.argv[2])))
    elif len(sys.argv) == 4 and sys.argv[1] == "emit":
        emit(sys.argv[2], int(sys.argv[3]))
    else:
        print("\n".join(main()))
