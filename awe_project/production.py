"""Refuse to serve a production footprint with the embedded footprint's insecure defaults.

The embedded footprint (nothing configured) is bound to 127.0.0.1 and may use a public
``SECRET_KEY`` and a local ``ALLOWED_HOSTS``. Once any production service is configured, web,
worker and beat load settings that raise ``ImproperlyConfigured`` unless the operator chose both.
Pure functions of the environment's values, so they are tested without starting anything.
"""

from __future__ import annotations

from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)

# Public (it is in this file): good only on a laptop, where nothing but 127.0.0.1 reaches AWE.
EMBEDDED_SECRET_KEY = "awe-embedded-insecure-key-change-me-in-production"
EMBEDDED_ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
DOC = "docs/operations.md#production-environment"


def production_services(
    *,
    database_url: str,
    broker_url: str,
    result_backend: str,
    eventstream_redis_url: str,
    document_store_backend: str,
) -> list[str]:
    """The settings that configure a production service (a server other processes share)."""
    configured = {
        "DATABASE_URL": bool(database_url),
        "CELERY_BROKER_URL": not broker_url.startswith("filesystem://"),
        "CELERY_RESULT_BACKEND": result_backend != "django-db",
        "AWE_EVENTSTREAM_REDIS_URL": bool(eventstream_redis_url),
        "DOCUMENT_STORE_BACKEND": document_store_backend != "filesystem",
    }
    return [name for name, on in configured.items() if on]


def secret_key_problem(secret_key: str) -> str | None:
    """Why this key must not sign a production deployment's sessions and tokens, or None."""
    if not secret_key:
        return "SECRET_KEY is not set"
    if secret_key == EMBEDDED_SECRET_KEY:
        return "SECRET_KEY is the embedded footprint's public default"
    if (
        len(secret_key) < SECRET_KEY_MIN_LENGTH
        or len(set(secret_key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or secret_key.startswith(SECRET_KEY_INSECURE_PREFIX)
    ):
        return (
            f"SECRET_KEY is weak (fewer than {SECRET_KEY_MIN_LENGTH} characters, fewer than "
            f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} different ones, or starting {SECRET_KEY_INSECURE_PREFIX!r})"
        )
    return None


def refusal(services: list[str], secret_key: str, allowed_hosts: list[str]) -> str | None:
    """The error a production process stops with, naming every setting to fix; None when safe
    (or when no production service is configured: the embedded footprint)."""
    if not services:
        return None
    problems = [p for p in (secret_key_problem(secret_key),) if p]
    if not allowed_hosts:
        problems.append("ALLOWED_HOSTS is not set")
    if not problems:
        return None
    return (
        f"refusing to start: production services are configured ({', '.join(services)}) but "
        f"{'; '.join(problems)}. Set SECRET_KEY to a random value of {SECRET_KEY_MIN_LENGTH} or more characters "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))') and ALLOWED_HOSTS to the host names "
        f"clients use, comma-separated. See {DOC}."
    )
