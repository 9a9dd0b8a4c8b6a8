"""A small server-sent events client for tests: reads ``event``/``id``/``data`` blocks."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator
from typing import Any

import requests

CONTROL = {None, "stream-open", "keep-alive"}
JOB_END = {"job.succeeded", "job.failed", "job.cancelled"}


def parse(lines: Iterator[str]) -> Iterator[dict[str, Any]]:
    """Yield each event (control events skipped) as {event, id?, data (decoded JSON)}."""
    current: dict[str, str] = {}
    for line in lines:
        if line == "":
            if current.get("event") not in CONTROL:
                yield {**current, "data": json.loads(current["data"]) if current.get("data") else None}
            current = {}
        elif not line.startswith(":"):
            key, _, value = line.partition(":")
            current[key] = value.removeprefix(" ")


class Stream:
    """``with Stream(session, url) as s: s.read_until(...)``; ``opened_at`` is when headers came."""

    def __init__(self, session: requests.Session, url: str, read_timeout: float = 15, **headers: str) -> None:
        self.response = session.get(
            url, headers={"Accept": "text/event-stream", **headers}, stream=True, timeout=(5, read_timeout)
        )
        self.opened_at = datetime.datetime.now(datetime.UTC)
        self.events = parse(self.response.iter_lines(decode_unicode=True))

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.response.close()

    def read_until(self, done: Callable[[dict[str, Any]], bool], limit: int = 10_000) -> list[dict[str, Any]]:
        got = []
        for event in self.events:
            got.append(event)
            if done(event) or len(got) >= limit:
                break
        return got

    def read_until_quiet(self) -> list[dict[str, Any]]:
        """Everything that arrives until the stream stays quiet for the read timeout."""
        got: list[dict[str, Any]] = []
        try:
            for event in self.events:
                got.append(event)
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
            return got  # the read timed out: the stream stayed quiet
        return got


def ended(event: dict[str, Any]) -> bool:
    return event.get("event") in JOB_END


def at(event: dict[str, Any]) -> datetime.datetime:
    return datetime.datetime.fromisoformat(event["data"]["at"].replace("Z", "+00:00"))
