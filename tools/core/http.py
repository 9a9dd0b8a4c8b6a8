"""HTTP requests to allow-listed hosts only (``AWE_HTTP_ALLOWLIST``), with classified failures.

Standard library only: a urllib opener with the HTTP(S) handlers and nothing else (no file://,
no ftp://, no proxies from the environment). Redirects are followed only to allow-listed hosts;
credentials are not carried to another host. Secret header values never appear in the output.
"""

from __future__ import annotations

import http.client
import json
import ssl
import urllib.error
import urllib.request
from typing import Any, Literal
from urllib.parse import urlsplit

from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field

from tools.errors import PermanentToolError, PolicyError, TransientToolError
from tools.redact import MASK, is_secret_key, redact
from tools.registry import tool
from tools.spec import ToolContext

_DEFAULT_PORTS = {"http": 80, "https": 443}
_TRANSIENT_STATUS = {408, 425, 429}


class HttpRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] = "GET"
    url: str = Field(min_length=1, max_length=4096, description="http(s) URL on an AWE_HTTP_ALLOWLIST host")
    headers: dict[str, str] = Field(default_factory=dict, description="Request headers")
    body: str | dict[str, Any] | list[Any] | None = Field(
        default=None, description="Text is sent as is; an object or list is sent as JSON"
    )
    timeout_s: float = Field(default=30, gt=0, le=120, description="Connect and read timeout, seconds")
    max_bytes: int = Field(default=1_000_000, ge=1, le=10_000_000, description="Read at most this much body")


class HttpRequestOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: int
    url: str = Field(description="Final URL, after redirects")
    headers: dict[str, str]
    body: str
    data: Any = Field(default=None, description="The body parsed as JSON when it is JSON, else null")
    bytes: int = Field(description="Body bytes read")
    truncated: bool = Field(description="True when the body was longer than max_bytes")


def check_allowed(url: str) -> None:
    """Refuse (``PolicyError``) a URL whose scheme is not http(s) or whose host (and port, when
    the allow-list entry names one) is not in ``AWE_HTTP_ALLOWLIST``."""
    parts = urlsplit(url)
    if parts.scheme not in _DEFAULT_PORTS:
        raise PolicyError(f"url: scheme {parts.scheme!r} is not allowed; use http or https", field="url")
    if parts.username is not None or parts.password is not None:
        raise PermanentToolError("url: credentials in the URL are refused; send them in headers", field="url")
    try:
        port = parts.port or _DEFAULT_PORTS[parts.scheme]
    except ValueError as exc:
        raise PermanentToolError(f"url: {exc}", field="url") from exc
    host = (parts.hostname or "").lower()
    if not host:
        raise PermanentToolError("url: no host", field="url")
    for entry in settings.AWE_HTTP_ALLOWLIST:
        allowed = urlsplit(f"//{entry.strip()}")
        if allowed.hostname == host and allowed.port in (None, port):
            return
    raise PolicyError(f"url: {host}:{port} is not in AWE_HTTP_ALLOWLIST", field="url")


class _AllowListedRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to an allow-listed host; drop secret headers on a change of host."""

    def redirect_request(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: http.client.HTTPMessage, newurl: str
    ) -> urllib.request.Request | None:
        check_allowed(newurl)
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and urlsplit(newurl).netloc != urlsplit(req.full_url).netloc:
            for name in [n for n in new.headers if is_secret_key(n)]:
                new.remove_header(name)
        return new


def _opener() -> urllib.request.OpenerDirector:
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        _AllowListedRedirects(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _request(inp: HttpRequestIn) -> urllib.request.Request:
    headers = {"User-Agent": "AWE core.http_request", **inp.headers}
    has_type = any(name.lower() == "content-type" for name in headers)
    data: bytes | None = None
    if isinstance(inp.body, str):
        data = inp.body.encode()
        if not has_type:
            headers["Content-Type"] = "text/plain; charset=utf-8"
    elif inp.body is not None:
        data = json.dumps(inp.body).encode()
        if not has_type:
            headers["Content-Type"] = "application/json"
    return urllib.request.Request(inp.url, data=data, headers=headers, method=inp.method)


def _secrets(headers: dict[str, str]) -> list[str]:
    """Values of the request's secret headers, and their credentials without the scheme."""
    values: list[str] = []
    for name, value in headers.items():
        if is_secret_key(name) and value.strip():
            values.append(value.strip())
            credential = value.strip().split(" ", 1)[-1].strip()
            if len(credential) >= 4:
                values.append(credential)
    return sorted(set(values), key=len, reverse=True)


def _open(inp: HttpRequestIn) -> http.client.HTTPResponse | urllib.error.HTTPError:
    """Send the request; return a response (2xx, or a 3xx that was not followed) or raise a
    classified error."""
    try:
        response: http.client.HTTPResponse = _opener().open(_request(inp), timeout=inp.timeout_s)
        return response
    except urllib.error.HTTPError as exc:
        if exc.code >= 500 or exc.code in _TRANSIENT_STATUS:
            raise TransientToolError(f"HTTP {exc.code} {exc.reason} from {_where(inp.url)}") from None
        if exc.code >= 400:
            raise PermanentToolError(f"HTTP {exc.code} {exc.reason} from {_where(inp.url)}", field="url") from None
        return exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, ssl.SSLCertVerificationError):
            raise PermanentToolError(f"TLS certificate of {_where(inp.url)}: {exc.reason}", field="url") from None
        raise TransientToolError(f"cannot reach {_where(inp.url)}: {exc.reason}") from None
    except (TimeoutError, ConnectionError, http.client.HTTPException) as exc:
        raise TransientToolError(f"{_where(inp.url)}: {type(exc).__name__}: {exc}") from None
    except ValueError as exc:  # http.client refuses malformed header names or values
        raise PermanentToolError(f"invalid request: {exc}", field="headers") from None


def _decode(raw: bytes, charset: str | None) -> str:
    try:
        return raw.decode(charset or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        return raw.decode("utf-8", errors="replace")


def _where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


@tool("core.http_request", input=HttpRequestIn, output=HttpRequestOut, timeout_s=150)
def http_request(inp: HttpRequestIn, ctx: ToolContext) -> HttpRequestOut:
    """Call an HTTP(S) API on a host allowed by AWE_HTTP_ALLOWLIST.

    Returns status, headers and body (JSON bodies parsed into data). 429/5xx and network failures
    are transient; other 4xx permanent."""
    check_allowed(inp.url)
    with _open(inp) as response:
        try:
            raw = response.read(inp.max_bytes + 1)
        except (TimeoutError, ConnectionError, http.client.HTTPException) as exc:
            raise TransientToolError(f"{_where(inp.url)}: reading the body: {type(exc).__name__}") from None
        status, final_url = response.status, response.url
        received = response.headers
    truncated = len(raw) > inp.max_bytes
    raw = raw[: inp.max_bytes]
    body = _decode(raw, received.get_content_charset())
    headers: dict[str, str] = {}
    for name, value in received.items():
        shown = MASK if is_secret_key(name) else value
        headers[name] = f"{headers[name]}, {shown}" if name in headers else shown
    data = None
    if not truncated and "json" in (received.get_content_type() or ""):
        try:
            data = json.loads(body)
        except ValueError:
            data = None
    out = {"status": status, "url": final_url, "headers": headers, "body": body, "data": data}
    return HttpRequestOut(**redact(out, secrets=_secrets(inp.headers)), bytes=len(raw), truncated=truncated)
