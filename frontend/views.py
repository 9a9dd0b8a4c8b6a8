"""Serves the single-page app at / and for every front-end route."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import ensure_csrf_cookie


@ensure_csrf_cookie  # the app echoes the csrftoken cookie as X-CSRFToken on its POSTs
def index(request: HttpRequest, route: str = "") -> HttpResponse:
    """The built app (``make frontend``), or a page that says how to build it.

    The app's own router handles ``route``; its assets are content-hashed and cached for good,
    so this page is revalidated every time to pick up a new build.
    """
    built = settings.FRONTEND_DIST_DIR / "index.html"
    if built.is_file():
        response = HttpResponse(built.read_text(encoding="utf-8"))
    else:
        response = render(request, "frontend/placeholder.html")
    patch_cache_control(response, no_cache=True)
    return response
