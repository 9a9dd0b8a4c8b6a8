"""Secret redaction for everything a tool run records (outputs, errors, event payloads).

Wired in three places: ``tools.runtime.invoke`` redacts every tool output (before the size cap,
so an ``outputs/<task>.json`` artifact is redacted too) and every error message it raises;
``jobs.events.record`` redacts each event payload; ``executor.run`` redacts the error message
it stores on a failed attempt and task. Masked: values of the settings in ``SECRET_SETTINGS``,
Authorization headers, ``sk-``/``gh*_``/``AKIA`` keys, ``api_key=``-style pairs, and the values
of secret-named keys (not usage counters such as ``tokens_in``). NUL characters, which the
database cannot store, and lone surrogates become U+FFFD on the same pass (``tools.storable``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from tools.storable import storable_text

MASK = "[REDACTED]"

# Settings whose values are secrets (their values are masked wherever they appear).
SECRET_SETTINGS = ("SECRET_KEY", "OPENAI_API_KEY", "AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN")

_PATTERNS = [
    re.compile(r"(?i)(authorization\s*[:=]\s*)(?:bearer|basic|token)?\s*[^\s,;\"']+"),
    re.compile(r"(?i)((?:api[_-]?key|token|secret|password|passwd)[\"']?\s*[:=]\s*[\"']?)[^\s,;\"'&]+"),
    re.compile(r"()\bsk-[A-Za-z0-9_\-]{16,}"),
    re.compile(r"()\bgh[pousr]_[A-Za-z0-9]{20,}"),
    re.compile(r"()\bAKIA[0-9A-Z]{16}\b"),
]
# Key names whose values are secrets: "token", "access_token", "x-api-key", "Proxy-Authorization",
# "Set-Cookie" — not "tokens_in".
_SECRET_KEYS = re.compile(
    r"(?i)^((proxy-)?authorization|(set-)?cookie|(.*[_-])?(api[_-]?key|token|secret|password|passwd))$"
)


def is_secret_key(name: str) -> bool:
    """Whether a key or header name holds a secret: "Authorization", "X-Api-Key", "access_token"."""
    return bool(_SECRET_KEYS.match(name))


def secret_values() -> list[str]:
    """Values of the settings marked secret (empty or very short values are ignored)."""
    from django.conf import settings

    values = [str(getattr(settings, name, "") or "") for name in SECRET_SETTINGS]
    return [v for v in values if len(v) >= 6]


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    text = storable_text(text)
    for value in secrets:
        text = text.replace(value, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + MASK, text)
    return text


def redact(value: Any, secrets: Iterable[str] | None = None) -> Any:
    """Return a copy of `value` (JSON-like) with secrets masked in keys' values and in strings."""
    known = list(secret_values() if secrets is None else secrets)
    if isinstance(value, str):
        return redact_text(value, known)
    if isinstance(value, dict):
        return {
            (storable_text(k) if isinstance(k, str) else k): MASK if isinstance(k, str) and is_secret_key(k) and v
            else redact(v, known)
            for k, v in value.items()
        }  # fmt: skip
    if isinstance(value, (list, tuple)):
        return [redact(v, known) for v in value]
    return value
