"""Authentication for the embedded footprint: anonymous calls act as ``AWE_LOCAL_USER``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request


def local_user() -> Any | None:
    """The documented local user (created on first use), or ``None`` when auth is required."""
    name = settings.AWE_LOCAL_USER
    if not name:
        return None
    user, _ = get_user_model().objects.get_or_create(username=name)
    return user


class LocalUserAuthentication(BaseAuthentication):
    """Last in the chain: a request with no token and no session acts as the local user.

    Off (production) when ``AWE_LOCAL_USER`` is empty: then every call needs a token or session.
    """

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        user = local_user()
        return (user, None) if user is not None else None
