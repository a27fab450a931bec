"""A local webhook that receives Apprise `json://` notifications, for the notification tests.

Every POST is recorded (path and JSON body); a path starting with /fail answers 500, so a
target pointed there fails like a broken service.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Listener:
    port: int
    posts: list[tuple[str, dict]] = field(default_factory=list)

    def url(self, path: str = "/hook") -> str:
        return f"json://127.0.0.1:{self.port}{path}"

    def bodies(self, path: str = "/hook") -> list[dict]:
        return [body for got, body in self.posts if got == path]


@contextmanager
def listening() -> Iterator[Listener]:
    posts: list[tuple[str, dict]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            posts.append((self.path, json.loads(self.rfile.read(length) or b"{}")))
            self.send_response(500 if self.path.startswith("/fail") else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Listener(port=server.server_address[1], posts=posts)
    finally:
        server.shutdown()
        server.server_close()
