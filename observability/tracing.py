"""OpenTelemetry tracing, configured by the standard ``OTEL_*`` variables.

On only when ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``..._TRACES_ENDPOINT``) is set: otherwise no
provider is installed, nothing is instrumented and ``span``/``annotate`` are a flag test. The web
process calls ``setup("web")`` before Django loads its middleware (``awe_project/asgi.py``); each
worker pool process calls ``setup("worker")`` when it starts (``observability.worker``), after
the fork, as the Celery instrumentation asks. Django, Celery (the trace context rides in the
message headers, so one trace follows a job from ``POST /api/jobs`` through ``plan_job`` to each
``run_task``), psycopg and Redis are instrumented. The OpenAI SDK and the MCP client speak HTTP
through httpx2, which OpenTelemetry's httpx instrumentation does not cover, so AWE adds its own
spans: one per tool call, per LLM call and per MCP call, with the job id and task key.

A malformed ``OTEL_*`` value or a collector that does not answer never breaks a request or a
task: setup logs and leaves tracing off, and a failing export is logged once, not per batch.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from django.conf import settings
from opentelemetry import trace

log = logging.getLogger(__name__)

ENABLED = False
_set_up_in: int | None = None  # the pid that set up (a forked child sets up its own)
_tracer = trace.get_tracer("awe")


def setup(role: str) -> bool:
    """Install the SDK and the instrumentations in this process; True when tracing is on."""
    global ENABLED, _set_up_in
    if not settings.OTEL_ENABLED or _set_up_in == os.getpid():
        return ENABLED
    _set_up_in = os.getpid()
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        named = {} if settings.OTEL_SERVICE_NAME else {"service.name": f"awe-{role}"}
        provider = TracerProvider(resource=Resource.create({**named, "awe.role": role}))
        exporter = SaysOnce(OTLPSpanExporter(), settings.OTEL_TRACES_ENDPOINT)
        provider.add_span_processor(BatchSpanProcessor(exporter))  # type: ignore[arg-type]  # duck-typed
        trace.set_tracer_provider(provider)
        instrument(role)
    except Exception as exc:  # noqa: BLE001 - a bad OTEL_* value: the process runs untraced, said once
        log.warning("tracing is off: OTEL settings rejected: %s: %s", type(exc).__name__, exc)
        return False
    ENABLED = True
    log.info("tracing to %s as %s", settings.OTEL_TRACES_ENDPOINT, role)
    return True


def instrument(role: str) -> None:
    """The libraries whose calls become spans (the web process also serves Django)."""
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor

    if role == "web":
        from opentelemetry.instrumentation.django import DjangoInstrumentor

        DjangoInstrumentor().instrument()
    for instrumentor in (CeleryInstrumentor(), PsycopgInstrumentor(), RedisInstrumentor()):
        if not instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.instrument()


def shutdown() -> None:
    """Send what is buffered (a worker process that exits)."""
    provider = trace.get_tracer_provider()
    if ENABLED and hasattr(provider, "shutdown"):
        provider.shutdown()


def span(name: str, **attributes: Any) -> AbstractContextManager[Any]:
    """A child span of the current one, with ``awe.<name>`` attributes; nothing when off."""
    if not ENABLED:
        return nullcontext()
    return _tracer.start_as_current_span(name, attributes={f"awe.{k}": v for k, v in attributes.items()})


def annotate(**attributes: Any) -> None:
    """Add ``awe.<name>`` attributes to the current span (a request's, a Celery task's)."""
    if ENABLED:
        current = trace.get_current_span()
        for key, value in attributes.items():
            current.set_attribute(f"awe.{key}", value)


class SaysOnce:
    """A span exporter that logs the first failed export (and a recovery), not every batch: an
    unreachable collector costs dropped spans and one log line."""

    def __init__(self, inner: Any, endpoint: str) -> None:
        self.inner, self.endpoint, self.failing = inner, endpoint, False

    def export(self, spans: Sequence[Any]) -> Any:
        from opentelemetry.sdk.trace.export import SpanExportResult

        try:
            result = self.inner.export(spans)
        except Exception as exc:  # noqa: BLE001 - an exporter bug must not kill the export thread
            result, why = SpanExportResult.FAILURE, f"{type(exc).__name__}: {exc}"
        else:
            why = "the collector refused or did not answer"
        if result != SpanExportResult.SUCCESS and not self.failing:
            self.failing = True
            log.warning("tracing: spans not exported to %s (%s); dropping them until it answers", self.endpoint, why)
        elif result == SpanExportResult.SUCCESS and self.failing:
            self.failing = False
            log.info("tracing: exporting to %s again", self.endpoint)
        return result

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return bool(self.inner.force_flush(timeout_millis))
