"""``GET /metrics``: every process's samples from ``AWE_METRICS_DIR`` plus gauges read at scrape
time (queue depth from the broker, pending dead letters from the database); and the port a worker
serves its own on (``AWE_WORKER_METRICS_PORT``).

Access: open in the embedded footprint (bound to 127.0.0.1) unless ``AWE_METRICS_TOKEN`` is set;
in production a request needs ``Authorization: Bearer <AWE_METRICS_TOKEN>`` or a staff user
(session or API token): 401 without credentials, 403 with the wrong ones."""

from __future__ import annotations

import glob
import hmac
import logging
import os
import re
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)
# On Redis, Celery keeps a queue as one list per priority step: "tools", "tools:1", … "tools:9".
# Which steps are in use is a setting; every list that may exist is counted.
REDIS_STEPS = range(1, 10)
SCRAPE_TIME_FAMILIES = ("awe_queue_depth", "awe_dead_letters_pending")  # read by ScrapeTimeCollector


def queue_depths(app: Any = None) -> dict[str, int]:
    """Messages waiting in each of AWE's queues (``dlq`` included), as the broker counts them."""
    if app is None:
        from awe_project.celery import app

    names = [queue.name for queue in settings.CELERY_TASK_QUEUES]
    with app.connection_for_read() as conn:
        channel: Any = conn.default_channel
        if conn.transport.driver_type == "redis":
            steps = sorted({*REDIS_STEPS, *(getattr(channel, "priority_steps", None) or [])} - {0})
            with channel.client.pipeline() as pipe:
                for name in names:
                    for key in [name, *(f"{name}{channel.sep}{step}" for step in steps)]:
                        pipe.llen(key)
                sizes = pipe.execute()
            per_queue = 1 + len(steps)
            return {name: int(sum(sizes[i * per_queue : (i + 1) * per_queue])) for i, name in enumerate(names)}
        depths = {}
        for name in names:
            try:
                depths[name] = int(channel.queue_declare(queue=name, passive=True).message_count)
            except Exception as exc:  # noqa: BLE001 - a queue no worker declared yet (AMQP): not reported
                log.debug("queue %s: no depth (%s)", name, exc)
                channel = conn.channel()  # AMQP closes a channel on a failed passive declare
        return depths


class ScrapeTimeCollector(Collector):
    """Gauges read when Prometheus scrapes (one web process answers each scrape)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from jobs.models import DeadLetter

        depth_name, pending_name = SCRAPE_TIME_FAMILIES
        depth = GaugeMetricFamily(depth_name, "Messages waiting in each Celery queue.", labels=["queue"])
        try:
            for name, size in queue_depths().items():
                depth.add_metric([name], size)
        except Exception as exc:  # noqa: BLE001 - a broker outage must not hide every other metric
            log.warning("metrics: queue depth unavailable: %s: %s", type(exc).__name__, exc)
        yield depth
        pending = GaugeMetricFamily(pending_name, "Dead letters not replayed yet.")
        pending.add_metric([], DeadLetter.objects.filter(replayed=False).count())
        yield pending


def _forget_dead_processes(directory: str) -> None:
    """Drop the live gauges of processes that exited without saying so (killed)."""
    for path in glob.glob(os.path.join(directory, "gauge_live*_*.db")):
        match = re.search(r"_(\d+)\.db$", path)
        if match is None:
            continue
        pid = int(match.group(1))
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, directory)
        except PermissionError:
            pass  # alive, another user's


def registry(*, scrape_time: bool) -> CollectorRegistry:
    directory = str(settings.AWE_METRICS_DIR)
    _forget_dead_processes(directory)
    made = CollectorRegistry()
    multiprocess.MultiProcessCollector(made, path=directory)
    if scrape_time:
        made.register(ScrapeTimeCollector())
    return made


def _authorised(request: HttpRequest) -> int | None:
    """None when the request may read the metrics, else the status to answer: 401 or 403."""
    token = settings.AWE_METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if token and scheme.lower() == "bearer":
        return None if hmac.compare_digest(value.strip().encode(), token.encode()) else 403
    if not token and settings.EMBEDDED:
        return None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return None if user.is_staff else 403
    if scheme.lower() == "token":
        from rest_framework.authtoken.models import Token

        found = Token.objects.select_related("user").filter(key=value.strip()).first()
        return None if found is not None and found.user.is_staff and found.user.is_active else 403
    return 403 if header else 401


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not settings.AWE_METRICS_ENABLED:
        raise Http404("metrics are off (AWE_METRICS_ENABLED=false)")
    status = _authorised(request)
    if status is not None:
        response = HttpResponse(
            "metrics need Authorization: Bearer <AWE_METRICS_TOKEN> or a staff user\n",
            status=status,
            content_type="text/plain",
        )
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(registry(scrape_time=True)), content_type=CONTENT_TYPE_LATEST)


def serve_worker_metrics() -> None:
    """The worker's own exporter (its main process), when ``AWE_WORKER_METRICS_PORT`` is set."""
    if not (settings.AWE_METRICS_ENABLED and settings.AWE_WORKER_METRICS_PORT):
        return
    from prometheus_client import start_http_server

    addr, port = settings.AWE_WORKER_METRICS_ADDR, settings.AWE_WORKER_METRICS_PORT
    start_http_server(port, addr=addr, registry=registry(scrape_time=False))
    log.info("worker metrics on http://%s:%s/metrics", addr, port)
