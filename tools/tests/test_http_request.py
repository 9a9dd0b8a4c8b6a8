"""core.http_request against a local HTTP server (127.0.0.1, started here; never the internet):
the allow-list, redirects, classified failures, the body cap and secret headers kept out of the output."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from tools.errors import PermanentToolError, PolicyError, TransientToolError
from tools.tests.toolctx import call, make_ctx

TOKEN = "abcdef123456"


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, content_type: str = "application/json", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            self.wfile.write(body)

    def _echo(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        received = self.rfile.read(length).decode()
        echo = {"method": self.command, "headers": dict(self.headers), "body": received}
        self._send(200, json.dumps(echo).encode(), Set_Cookie=f"session={TOKEN}")

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        if path == "/echo":
            self._echo()
        elif path.startswith("/status/"):
            self._send(int(path.rsplit("/", 1)[1]), b'{"error": "x"}')
        elif path == "/slow":
            time.sleep(2)
            self._send(200, b"{}")
        elif path == "/big":
            self._send(200, b"x" * 5000, "text/plain")
        elif path == "/redirect":
            self._send(302, b"", Location=query.removeprefix("to="))
        else:
            self._send(404, b"{}")

    do_POST = _echo
    do_DELETE = do_GET


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def ctx(tmp_path):
    return make_ctx(tmp_path)


def test_every_host_is_refused_when_the_allowlist_is_empty(server, ctx):
    with override_settings(AWE_HTTP_ALLOWLIST=[]), pytest.raises(PolicyError) as info:
        call("core.http_request", {"url": f"http://{server}/echo"}, ctx)
    assert info.value.field == "url"


def test_a_host_port_entry_allows_only_that_port(server, ctx):
    host, port = server.split(":")
    with override_settings(AWE_HTTP_ALLOWLIST=[f"{host}:{int(port) + 1}"]), pytest.raises(PolicyError):
        call("core.http_request", {"url": f"http://{server}/echo"}, ctx)
    with override_settings(AWE_HTTP_ALLOWLIST=[f"{host}:{port}"]):
        assert call("core.http_request", {"url": f"http://{server}/echo"}, ctx)["status"] == 200
    with override_settings(AWE_HTTP_ALLOWLIST=["other.example", host]):
        assert call("core.http_request", {"url": f"http://{server}/echo"}, ctx)["status"] == 200


@override_settings(AWE_HTTP_ALLOWLIST=["127.0.0.1", "localhost"])
def test_only_http_and_https_urls_without_credentials_are_accepted(ctx):
    with pytest.raises(PolicyError):
        call("core.http_request", {"url": "file:///etc/passwd"}, ctx)
    with pytest.raises(PolicyError):
        call("core.http_request", {"url": "ftp://127.0.0.1/x"}, ctx)
    with pytest.raises(PermanentToolError) as info:
        call("core.http_request", {"url": "http://user:pw@127.0.0.1/x"}, ctx)
    assert info.value.field == "url" and "pw" not in info.value.message


def test_a_json_post_is_sent_and_the_json_answer_parsed(server, ctx):
    with override_settings(AWE_HTTP_ALLOWLIST=["127.0.0.1"]):
        out = call(
            "core.http_request",
            {"method": "POST", "url": f"http://{server}/echo", "body": {"q": [1, 2]}, "headers": {"X-Trace": "t1"}},
            ctx,
        )
    assert out["status"] == 200 and out["truncated"] is False
    assert out["data"]["method"] == "POST"
    assert json.loads(out["data"]["body"]) == {"q": [1, 2]}
    assert out["data"]["headers"]["Content-Type"] == "application/json"
    assert out["data"]["headers"]["X-Trace"] == "t1"
    assert out["headers"]["Content-Type"] == "application/json"


def test_authorization_and_cookies_never_appear_in_the_output(server, ctx):
    with override_settings(AWE_HTTP_ALLOWLIST=["127.0.0.1"]):
        out = call(
            "core.http_request",
            {
                "url": f"http://{server}/echo",
                "headers": {"Authorization": f"Bearer {TOKEN}", "X-Api-Key": "k-998877665544"},
            },
            ctx,
        )
    text = json.dumps(out)
    assert TOKEN not in text and "k-998877665544" not in text
    assert out["status"] == 200 and "[REDACTED]" in text


def test_client_errors_are_permanent_and_server_errors_transient(server, ctx):
    with override_settings(AWE_HTTP_ALLOWLIST=["127.0.0.1"]):
        with pytest.raises(PermanentToolError, match="404"):
            call("core.http_request", {"url": f"http://{server}/status/404"}, ctx)
        with pytest.raises(PermanentToolError, match="400"):
            call("core.http_request", {"url": f"http://{server}/status/400", "method": "DELETE"}, ctx)
        with pytest.raises(TransientToolError, match="429"):
            call("core.http_request", {"url": f"http://{server}/status/429"}, ctx)
        with pytest.raises(TransientToolError, match="503"):
            call("core.http_request", {"url": f"http://{server}/status/503"}, ctx)


def test_a_timeout_or_a_refused_connection_is_transient(server, ctx):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    with override_settings(AWE_HTTP_ALLOWLIST=["127.0.0.1"]):
        with pytest.raises(TransientToolError):
            call("core.http_request", {"url": f"http://{server}/slow", "timeout_s": 0.3}, ctx)
        with pytest.raises(TransientToolError):
            call("core.http_request", {"url": f"http://127.0.0.1:{closed}/echo", "timeout_s": 2}, ctx)


def test_the_body_read_is_capped(server, ctx):
    with override_settings(AWE_HTTP_ALLOWLIST=["127.0.0.1"]):
        out = call("core.http_request", {"url": f"http://{server}/big", "max_bytes": 1000}, ctx)
        whole = call("core.http_request", {"url": f"http://{server}/big"}, ctx)
    assert out["truncated"] is True and out["bytes"] == 1000 and out["body"] == "x" * 1000
    assert whole["truncated"] is False and whole["bytes"] == 5000


def test_redirects_are_followed_only_to_allowed_hosts(server, ctx):
    port = server.split(":")[1]
    allowed = f"http://{server}/echo"
    elsewhere = f"http://localhost:{port}/echo"
    with override_settings(AWE_HTTP_ALLOWLIST=["127.0.0.1"]):
        out = call("core.http_request", {"url": f"http://{server}/redirect?to={allowed}"}, ctx)
        assert out["status"] == 200 and out["url"] == allowed
        with pytest.raises(PolicyError, match="localhost"):
            call("core.http_request", {"url": f"http://{server}/redirect?to={elsewhere}"}, ctx)


def test_bad_input_names_the_field(ctx):
    with pytest.raises(PermanentToolError) as method:
        call("core.http_request", {"url": "http://127.0.0.1/", "method": "TRACE"}, ctx)
    assert method.value.field == "method"
    with pytest.raises(PermanentToolError) as timeout:
        call("core.http_request", {"url": "http://127.0.0.1/", "timeout_s": 0}, ctx)
    assert timeout.value.field == "timeout_s"


def test_credentials_are_not_carried_to_another_host_on_a_redirect(server, ctx):
    port = server.split(":")[1]
    elsewhere = f"http://localhost:{port}/echo"
    headers = {"Authorization": f"Bearer {TOKEN}", "X-Trace": "t1"}
    with override_settings(AWE_HTTP_ALLOWLIST=["127.0.0.1", "localhost"]):
        out = call("core.http_request", {"url": f"http://{server}/redirect?to={elsewhere}", "headers": headers}, ctx)
        same = call("core.http_request", {"url": f"http://{server}/redirect?to=/echo", "headers": headers}, ctx)
    assert out["url"] == elsewhere
    assert "Authorization" not in out["data"]["headers"] and out["data"]["headers"]["X-Trace"] == "t1"
    assert "Authorization" in same["data"]["headers"]  # same host: kept (and masked in the output)
