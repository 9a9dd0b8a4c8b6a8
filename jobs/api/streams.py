"""Server-sent event streams: one job's history and live events, and a user's job-list feed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, cast

from django.http import HttpRequest, HttpResponseBase, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from jobs.events import ALL_JOBS_CHANNEL, job_channel, user_channel
from jobs.live import dedupe_sse, ensure_live
from jobs.models import Job
from observability import metrics


class EventStreamRenderer(BaseRenderer):
    media_type = "text/event-stream"
    format = "sse"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return b"" if data is None else JSONRenderer().render(data)


def stream(request: Request, channels: list[str]) -> HttpResponseBase:
    """django-eventstream's response for ``channels``, fed live in this process and deduplicated."""
    from django_eventstream.views import events

    ensure_live()  # before the stream registers its listener and reads storage
    raw: HttpRequest = request._request
    raw.user = request.user
    response = events(raw, channels=channels)
    if isinstance(response, StreamingHttpResponse) and response.is_async:
        response.streaming_content = counted(dedupe_sse(cast(AsyncIterator[bytes], response.streaming_content)))
    return response


async def counted(content: AsyncIterator[str]) -> AsyncIterator[str]:
    """The stream, counted in ``awe_sse_clients`` while a client reads it."""
    metrics.sse_client_opened()
    try:
        async for chunk in content:
            yield chunk
    finally:
        metrics.sse_client_closed()


class JobEventsView(APIView):
    """Server-sent events of one job: its history from the start (or from ``Last-Event-ID`` /
    ``?lastEventId=``), then live events. Only the job's owner and staff may read them."""

    renderer_classes = [EventStreamRenderer, JSONRenderer]

    @extend_schema(responses={(200, "text/event-stream"): OpenApiTypes.STR})
    def get(self, request: Request, pk: str) -> HttpResponseBase:
        owner_id = Job.objects.filter(pk=pk).values_list("owner_id", flat=True).first()
        if owner_id is None:
            raise NotFound(f"no job {pk}")
        if not (request.user.is_staff or owner_id == request.user.pk):
            raise PermissionDenied(f"job {pk} belongs to another user: only its owner and staff may read its events")
        channel = job_channel(pk)
        raw = request._request
        if not raw.META.get("HTTP_LAST_EVENT_ID") and not raw.GET.get("lastEventId"):
            raw.META["HTTP_LAST_EVENT_ID"] = f"{channel}:0"  # a new client gets the whole history
        return stream(request, [channel])


class UserEventsView(APIView):
    """Server-sent job-level events (``job.*``) of every job the user may see, as they happen:
    the live feed of a job list. Staff get every job's; others their own jobs'. Not replayed on
    reconnect: a client re-reads ``GET /api/jobs`` instead."""

    renderer_classes = [EventStreamRenderer, JSONRenderer]

    @extend_schema(responses={(200, "text/event-stream"): OpenApiTypes.STR})
    def get(self, request: Request) -> HttpResponseBase:
        channel = ALL_JOBS_CHANNEL if request.user.is_staff else user_channel(request.user.pk)
        return stream(request, [channel])
