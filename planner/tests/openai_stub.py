"""A local OpenAI-compatible HTTP server with scripted answers, for driving the real SDK."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def completion(content: str, tokens_in: int = 100, tokens_out: int = 50) -> dict[str, Any]:
    return {"status": 200, "content": content, "usage": {"prompt_tokens": tokens_in, "completion_tokens": tokens_out}}


class Stub:
    def __init__(self, script: list[dict[str, Any]]) -> None:
        self.script = list(script)
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.url = ""

    def next(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.requests.append(body)
            return self.script.pop(0) if self.script else {"status": 500, "content": "script exhausted"}


def _handler(stub: Stub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return None

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            step = stub.next(body)
            if step.get("hang"):
                time.sleep(step["hang"])
            status = step.get("status", 200)
            if status == 200:
                payload = {
                    "id": "chatcmpl-stub", "object": "chat.completion", "created": int(time.time()), "model": body.get("model", "stub"),
                    "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": step["content"]}}],
                    "usage": {**step.get("usage", {}), "total_tokens": sum(step.get("usage", {}).values())},
                }  # fmt: skip
            else:
                payload = {"error": {"message": step.get("content", "error"), "type": "stub", "code": status}}
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                return  # the client gave up (timeout tests)

    return Handler


@contextmanager
def openai_stub(script: list[dict[str, Any]]) -> Iterator[Stub]:
    stub = Stub(script)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
    server.daemon_threads = True
    stub.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
