"""Runs one tool call: validate input, enforce the timeout, classify errors, validate output."""

from __future__ import annotations

import concurrent.futures
import logging

import jsonschema
from jsonschema.exceptions import best_match

from tools.errors import (
    CancelledError,
    PermanentToolError,
    ToolError,
    TransientToolError,
)
from tools.spec import JSON, ToolContext, ToolSpec

log = logging.getLogger(__name__)


def _check(schema: JSON, value: object, what: str, tool: str) -> None:
    validator = jsonschema.Draft202012Validator(schema)
    error = best_match(validator.iter_errors(value))
    if error is not None:
        field = ".".join(str(p) for p in error.absolute_path) or None
        where = f" at {field!r}" if field else ""
        raise PermanentToolError(f"{tool}: invalid {what}{where}: {error.message}", field=field)


def invoke(spec: ToolSpec, inputs: JSON, ctx: ToolContext, timeout_s: float | None = None) -> JSON:
    """Call ``spec`` with ``inputs``; return its validated output or raise a ``ToolError``."""
    _check(spec.input_schema, inputs, "input", spec.name)
    limit = timeout_s if timeout_s is not None else spec.timeout_s
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix=spec.name)
    future = pool.submit(spec.handler, inputs, ctx)
    try:
        output = future.result(timeout=limit)
    except concurrent.futures.TimeoutError:
        ctx.cancel_event.set()  # cooperative tools stop at their next check
        raise TransientToolError(f"{spec.name}: timed out after {limit:g} s") from None
    except ToolError:
        raise
    except (TimeoutError, ConnectionError) as exc:
        raise TransientToolError(f"{spec.name}: {type(exc).__name__}: {exc}") from exc
    except (ValueError, TypeError, KeyError, OSError) as exc:
        raise PermanentToolError(f"{spec.name}: {type(exc).__name__}: {exc}") from exc
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    if ctx.cancelled():
        raise CancelledError(f"{spec.name}: cancelled")
    _check(spec.output_schema, output, "output", spec.name)
    return output
