"""The request id: taken from ``X-Request-ID`` when it is a sane token, else generated; bound to
every log line of the request (``observability.logs``) and returned in the response."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponseBase

from observability import logs

HEADER = "X-Request-ID"
_SANE = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")  # not a log-injection vector, not a megabyte


def request_id(request: HttpRequest) -> str:
    given = request.headers.get(HEADER, "")
    return given if _SANE.match(given) else uuid.uuid4().hex


class RequestIdMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.is_async:
            return self._acall(request)
        rid = request.request_id = request_id(request)  # type: ignore[attr-defined]
        tokens = logs.bind(request_id=rid)
        try:
            response: HttpResponseBase = self.get_response(request)
        finally:
            logs.unbind(tokens)
        response[HEADER] = rid
        return response

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        rid = request.request_id = request_id(request)  # type: ignore[attr-defined]
        tokens = logs.bind(request_id=rid)
        try:
            response: HttpResponseBase = await self.get_response(request)
        finally:
            logs.unbind(tokens)
        response[HEADER] = rid
        return response
