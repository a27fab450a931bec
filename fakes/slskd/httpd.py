"""HTTP plumbing: request/reply objects, a segment router and the stdlib request handler.

Routing follows ASP.NET: literal segments compare case-insensitively, a trailing slash is
ignored, route parameters are percent-decoded exactly once (so a username may contain an
encoded `/`), and a path that exists for another method gets 405.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from .wire import dumps

if TYPE_CHECKING:
    from .fake import FakeSlskd

JSON = "application/json; charset=utf-8"


@dataclass
class Request:
    """One parsed request; `path` has the url_base prefix already removed."""

    method: str
    path: str
    query: dict[str, str]  # lower-cased names, like ASP.NET's case-insensitive binding
    headers: Message
    body: bytes
    params: dict[str, str] = field(default_factory=dict)

    @property
    def segments(self) -> list[str]:
        """Raw (still percent-encoded) path segments, ignoring one trailing slash."""
        path = self.path[:-1] if self.path.endswith("/") and len(self.path) > 1 else self.path
        return path.split("/")[1:]

    def json(self) -> Any:
        """The JSON body; ASP.NET's model binding errors become 400 with a message."""
        if not self.body.strip():
            raise HttpError(message(400, "A non-empty request body is required."))
        try:
            return json.loads(self.body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise HttpError(message(400, f"The JSON value could not be converted: {exc}")) from exc

    def flag(self, name: str, default: bool = False) -> bool:
        """A boolean query parameter (`includeResponses=true`), any case."""
        value = self.query.get(name.lower())
        if value is None or value == "":
            return default
        return value.strip().lower() == "true"


@dataclass
class Reply:
    """What to send back; `close` drops the connection without sending anything."""

    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    close: bool = False


class HttpError(Exception):
    """Raised by handlers to short-circuit with a ready reply."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


def json_reply(obj: Any, status: int = 200) -> Reply:
    """A JSON body as Kestrel writes it."""
    return Reply(status, dumps(obj), JSON)


def message(status: int, text: str) -> Reply:
    """slskd's `BadRequest("msg")`/`StatusCode(n, "msg")`: a JSON-encoded string."""
    return json_reply(text, status)


def empty(status: int) -> Reply:
    """A bare `NotFound()`/`Unauthorized()`/`NoContent()`: no body, no Content-Type."""
    return Reply(status)


Handler = Callable[["FakeSlskd", Request], Reply]


@dataclass(frozen=True)
class Route:
    """`pattern` segments are literals or `{name}` parameters."""

    method: str
    pattern: tuple[str, ...]
    handler: Handler
    name: str
    anonymous: bool = False


class Router:
    """First route whose segments and method match wins, so list literal routes first."""

    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes

    def resolve(
        self, method: str, segments: list[str]
    ) -> tuple[Route | None, dict[str, str], bool]:
        """`(route, params, path_exists)`; `path_exists` with no route means 405."""
        path_exists = False
        for route in self.routes:
            params = _match(route.pattern, segments)
            if params is None:
                continue
            path_exists = True
            if route.method == method:
                return route, params, True
        return None, {}, path_exists


def _match(pattern: tuple[str, ...], segments: list[str]) -> dict[str, str] | None:
    if len(pattern) != len(segments):
        return None
    params = {}
    for literal, segment in zip(pattern, segments, strict=True):
        if literal.startswith("{"):
            if not segment:
                return None
            params[literal[1:-1]] = unquote(segment)
        elif unquote(segment).lower() != literal:
            return None
    return params


class FakeHTTPServer(ThreadingHTTPServer):
    """One thread per request; `fake` is the FakeSlskd the handler dispatches to."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], fake: FakeSlskd) -> None:
        self.fake = fake
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _RequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Drop idle keep-alive connections, so a stopped fake really looks gone."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive like Kestrel; every reply has Content-Length
    disable_nagle_algorithm = True  # headers and body are separate writes: avoid 40 ms stalls
    server: FakeHTTPServer

    def version_string(self) -> str:
        return "Kestrel"

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.fake.config.verbose:
            sys.stderr.write(f"fake slskd: {format % args}\n")

    def _serve(self) -> None:
        body = self._read_body()
        parts = urlsplit(self.path)
        query = {
            key.lower(): value for key, value in parse_qsl(parts.query, keep_blank_values=True)
        }
        request = Request(self.command, parts.path, query, self.headers, body)
        reply = self.server.fake.dispatch(request)
        if reply.close:
            self.close_connection = True
            return
        self._write(reply)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self) -> bytes:
        chunks = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                self.rfile.readline()
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _write(self, reply: Reply) -> None:
        self.send_response(reply.status)
        if reply.content_type:
            self.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if reply.body:
            self.wfile.write(reply.body)


def pause(seconds: float) -> None:
    """Sleep in a request thread (break mode `delay`)."""
    time.sleep(max(0.0, seconds))
