"""Structured logs: what every line says about the request or the task it was written in.

A request's lines carry its request id; a task's lines its job id, task key, attempt and Celery
task id. They are context variables, so they follow a request into ``sync_to_async`` threads and
a task into its tool's thread (``tools.runtime`` runs the tool in a copy of the context), and a
``logging.Filter`` on the handler copies them onto each record. ``AWE_LOG_FORMAT`` picks JSON
lines (python-json-logger) or text with the same fields appended.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pythonjsonlogger.json import JsonFormatter

# The fields a line may carry, each a context variable ("" when unset).
FIELDS = ("request_id", "job_id", "task_key", "attempt", "celery_task_id")
_vars: dict[str, contextvars.ContextVar[str]] = {name: contextvars.ContextVar(name, default="") for name in FIELDS}


def bind(**values: object) -> list[contextvars.Token[str]]:
    """Set fields for the lines that follow in this context; ``unbind`` the tokens to undo."""
    return [_vars[name].set("" if value is None else str(value)) for name, value in values.items()]


def unbind(tokens: list[contextvars.Token[str]]) -> None:
    for token in reversed(tokens):
        token.var.reset(token)


@contextmanager
def bound(**values: object) -> Iterator[None]:
    tokens = bind(**values)
    try:
        yield
    finally:
        unbind(tokens)


_in_celery_task: contextvars.ContextVar[bool] = contextvars.ContextVar("in_celery_task", default=False)


def celery_task_started(task_id: str) -> None:
    """A Celery task starts in this context (``task_prerun``): fields bound with ``for_task``
    stay until it ends, so Celery's own line on its outcome names the job and task too."""
    clear()
    _vars["celery_task_id"].set(task_id)
    _in_celery_task.set(True)


def celery_task_ended() -> None:
    clear()
    _in_celery_task.set(False)


@contextmanager
def for_task(**values: object) -> Iterator[None]:
    """Bind a task's fields: until the Celery task ends when called in one, else for the block."""
    if _in_celery_task.get():
        bind(**values)
        yield
        return
    with bound(**values):
        yield


def clear(*names: str) -> None:
    """Forget fields (a worker process runs one task after another in the same context)."""
    for name in names or FIELDS:
        _vars[name].set("")


def current() -> dict[str, str]:
    """The fields set in this context."""
    return {name: value for name, var in _vars.items() if (value := var.get())}


class ContextFilter(logging.Filter):
    """Copies the context's fields onto every record that passes the handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, var in _vars.items():
            if not hasattr(record, name):
                setattr(record, name, var.get())
        if not record.request_id:  # type: ignore[attr-defined]
            # Django logs a 4xx/5xx response ("django.request") after the middleware returned,
            # with the request in ``extra``: the id the middleware gave it.
            record.request_id = getattr(getattr(record, "request", None), "request_id", "")
        return True


class TextFormatter(logging.Formatter):
    """``time LEVEL logger: message [job=... task=...]``: the embedded footprint's human lines."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = " ".join(f"{name}={value}" for name in FIELDS if (value := getattr(record, name, "")))
        return f"{line} [{fields}]" if fields else line


class JsonLineFormatter(JsonFormatter):
    """One JSON object per line: time, level, logger, message, the context's fields (only those
    set) and whatever ``extra`` the call passed."""

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]) -> None:
        super().add_fields(log_data, record, message_dict)
        for name in FIELDS:
            if not log_data.get(name):
                log_data.pop(name, None)
        if isinstance(log_data.get("attempt"), str) and log_data["attempt"].isdigit():
            log_data["attempt"] = int(log_data["attempt"])


def config(fmt: str, level: str) -> dict[str, Any]:
    """Django's ``LOGGING`` for ``fmt`` (json or text)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "observability.logs.ContextFilter"}},
        "formatters": {
            "text": {
                "()": "observability.logs.TextFormatter",
                "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
            },
            "json": {
                "()": "observability.logs.JsonLineFormatter",
                "fmt": ["asctime", "levelname", "name", "message"],
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            },
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": fmt, "filters": ["context"]}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django_eventstream": {"level": "WARNING"},
            # One line per HTTP request and per MCP session at INFO: two lines per MCP tool call.
            "httpx": {"level": "WARNING"},
            "httpx2": {"level": "WARNING"},
            "mcp.client": {"level": "WARNING"},
            # The OTLP exporter logs every failed export; observability.tracing says it once instead.
            "opentelemetry.exporter.otlp.proto.http": {"level": "CRITICAL"},
        },
    }
