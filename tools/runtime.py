"""Runs one tool call: validate input, enforce the timeout, classify errors, validate output,
redact secrets and keep the output under ``AWE_TOOL_OUTPUT_MAX_BYTES``."""

from __future__ import annotations

import concurrent.futures
import contextvars
import json
import logging
import os
import threading
from typing import Any

import jsonschema
from django.conf import settings
from django.db import connections
from jsonschema.exceptions import best_match

from tools.errors import (
    CancelledError,
    PermanentToolError,
    ToolError,
    TransientToolError,
)
from tools.redact import redact
from tools.spec import JSON, ToolContext, ToolSpec
from tools.storable import unstorable

log = logging.getLogger(__name__)


_validators: dict[int, tuple[JSON, jsonschema.Draft202012Validator]] = {}


def _validator(schema: JSON) -> jsonschema.Draft202012Validator:
    """The validator of a tool's schema, built once per schema object (a spec keeps its schemas)."""
    cached = _validators.get(id(schema))
    if cached is None or cached[0] is not schema:
        cached = _validators[id(schema)] = (schema, jsonschema.Draft202012Validator(schema))
    return cached[1]


class _ToolThreads:
    """The threads tool calls run in, kept for the next call (starting one per call cost more than
    a quick tool). Python cannot stop a thread: a call that times out keeps its thread, and the
    pool it ran in is let go so that later calls get a fresh pool and never queue behind it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._pid = 0

    def submit(
        self, fn: Any, *args: Any
    ) -> tuple[concurrent.futures.ThreadPoolExecutor, concurrent.futures.Future[Any]]:
        with self._lock:
            if self._pool is None or self._pid != os.getpid():  # a forked worker process starts its own
                self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=64, thread_name_prefix="awe-tool")
                self._pid = os.getpid()
            pool = self._pool
        return pool, pool.submit(fn, *args)

    def let_go(self, pool: concurrent.futures.ThreadPoolExecutor) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        pool.shutdown(wait=False)


_threads = _ToolThreads()


def _in_tool_thread(spec: ToolSpec, inputs: JSON, ctx: ToolContext) -> JSON:
    """Run the handler; a database connection it opened (artifacts, usage) is closed after the
    call, so a kept thread holds none between calls."""
    try:
        return spec.handler(inputs, ctx)
    finally:
        connections.close_all()


def _check(schema: JSON, value: object, what: str, tool: str) -> None:
    error = best_match(_validator(schema).iter_errors(value))
    if error is not None:
        field = ".".join(str(p) for p in error.absolute_path) or None
        where = f" at {field!r}" if field else ""
        raise PermanentToolError(f"{tool}: invalid {what}{where}: {error.message}", field=field)


def invoke(spec: ToolSpec, inputs: JSON, ctx: ToolContext, timeout_s: float | None = None) -> JSON:
    """Call ``spec`` with ``inputs``; return its validated, redacted and size-capped output or
    raise a ``ToolError`` whose message is redacted too."""
    try:
        output = redact(_call(spec, inputs, ctx, timeout_s))
        try:
            return _capped(spec.name, output, ctx, settings.AWE_TOOL_OUTPUT_MAX_BYTES)
        except (TypeError, ValueError, RecursionError) as exc:  # not JSON: bytes, a NaN, a 5,000-digit int
            if values := unstorable(output, text=False):  # where the NaNs and infinities are
                raise PermanentToolError(f"{spec.name}: the output cannot be recorded: {'; '.join(values)}") from exc
            raise PermanentToolError(f"{spec.name}: the output cannot be recorded as JSON: {exc}") from exc
    except ToolError as exc:
        exc.message = redact(exc.message)
        exc.args = (exc.message,)
        raise


def _call(spec: ToolSpec, inputs: JSON, ctx: ToolContext, timeout_s: float | None) -> JSON:
    _check(spec.input_schema, inputs, "input", spec.name)
    limit = timeout_s if timeout_s is not None else spec.timeout_s
    # In a copy of the caller's context: the tool's log lines name its task, its spans join the trace.
    pool, future = _threads.submit(contextvars.copy_context().run, _in_tool_thread, spec, inputs, ctx)
    try:
        output = future.result(timeout=limit)
    except concurrent.futures.TimeoutError:
        ctx.cancel_event.set()  # cooperative tools stop at their next check
        _threads.let_go(pool)
        raise TransientToolError(f"{spec.name}: timed out after {limit:g} s") from None
    except ToolError:
        raise
    except (TimeoutError, ConnectionError) as exc:
        raise TransientToolError(f"{spec.name}: {type(exc).__name__}: {exc}") from exc
    except (ValueError, TypeError, KeyError, OSError) as exc:
        raise PermanentToolError(f"{spec.name}: {type(exc).__name__}: {exc}") from exc
    if ctx.cancelled():
        raise CancelledError(f"{spec.name}: cancelled")
    _check(spec.output_schema, output, "output", spec.name)
    return output


# --- output size cap ---------------------------------------------------------------------------


def json_size(value: Any) -> int:
    """Bytes of ``value`` as UTF-8 JSON: what the cap measures. Raises ``ValueError`` for a NaN or
    an infinity, which JSON has not (and the database refuses)."""
    return len(json.dumps(value, ensure_ascii=False, allow_nan=False).encode())


def _cut(value: Any, keep: int, suffix: str) -> Any:
    """A copy of ``value`` whose strings longer than ``keep`` plus the suffix are cut to ``keep``
    characters and marked with ``suffix`` (a cut never makes a string longer)."""
    if isinstance(value, str):
        return value[:keep] + suffix if len(value) > keep + len(suffix) else value
    if isinstance(value, dict):
        return {k: _cut(v, keep, suffix) for k, v in value.items()}
    if isinstance(value, list):
        return [_cut(v, keep, suffix) for v in value]
    return value


def _longest(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return max((_longest(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return max((_longest(v) for v in value), default=0)
    return 0


def _capped(tool: str, output: JSON, ctx: ToolContext, cap: int) -> JSON:
    """``output`` if its JSON fits ``cap`` bytes; else save it in full as the artifact
    ``outputs/<task key>.json`` and return a copy whose longest strings are cut to fit."""
    size = json_size(output)
    if size <= cap:
        return output
    name = f"outputs/{ctx.task_key}.json"
    path = ctx.save_artifact(name, json.dumps(output, ensure_ascii=False, indent=1).encode(), "application/json")
    suffix = f"… [truncated; full output in artifact {path}]"
    if json_size(_cut(output, 0, suffix)) > cap:
        raise PermanentToolError(
            f"{tool}: output of {size} bytes is over AWE_TOOL_OUTPUT_MAX_BYTES={cap} even with its strings cut;"
            f" full output in artifact {path}"
        )
    keep, high = 0, _longest(output)
    while keep < high:  # the longest prefix that still fits: the size grows with ``keep``
        middle = (keep + high + 1) // 2
        if json_size(_cut(output, middle, suffix)) <= cap:
            keep = middle
        else:
            high = middle - 1
    log.info("%s: output of %s bytes cut to fit %s bytes; full output in %s", tool, size, cap, path)
    result: JSON = _cut(output, keep, suffix)
    return result
