"""Serves the single-page app at / and for every front-end route."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def index(request: HttpRequest, route: str = "") -> HttpResponse:
    built = settings.FRONTEND_DIST_DIR / "index.html"
    if built.is_file():
        return HttpResponse(built.read_text(encoding="utf-8"))
    return render(request, "frontend/placeholder.html")
