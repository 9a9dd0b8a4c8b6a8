"""Retry decisions by error class (pure)."""

from __future__ import annotations

import random

from tools.errors import ErrorClass

RETRYABLE = {
    "transient": {ErrorClass.TRANSIENT},
    "any": {ErrorClass.TRANSIENT, ErrorClass.PERMANENT},
    "none": set(),
}


def should_retry(error_class: ErrorClass, *, policy: str, attempts: int, max_attempts: int) -> bool:
    return attempts < max_attempts and error_class in RETRYABLE[policy]


def backoff_s(attempt: int, *, base_s: float, cap_s: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with full jitter: uniform in [0, min(cap, base * 2**(attempt-1))]."""
    ceiling = min(cap_s, base_s * (2 ** max(attempt - 1, 0)))
    return (rng or random).uniform(0, ceiling)
