"""A small threaded HTTP server that hosts one or more fake metadata services.

Each service is a `FakeApp`: it claims URL paths and turns a `Request` into a `Response`. The
server adds what every fake needs: a request log (so tests can check headers such as the
User-Agent), runtime failure modes, and a control endpoint so a demo can switch modes over HTTP:

    POST /_fake/mode   {"mode": "503", "service": "musicbrainz"}   (service optional = all)
    GET  /_fake/requests                                            (the request log as JSON)

Modes: "ok" (normal), "503" (service unavailable), "malformed" (a 200 with a broken body),
"hang" (wait `hang_seconds` before answering, to exercise client timeouts). "Connection refused"
is simply `stop()`.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

MODES = ("ok", "503", "malformed", "hang")


@dataclass(frozen=True)
class Request:
    """One request as the fake saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""
    at: float = 0.0

    def arg(self, name: str, default: str | None = None) -> str | None:
        """First value of a query parameter."""
        values = self.query.get(name)
        return values[0] if values else default

    @property
    def user_agent(self) -> str:
        return self.headers.get("user-agent", "")


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Response:
        return cls(status, json.dumps(data).encode(), "application/json")

    @classmethod
    def redirect(cls, location: str, status: int = 307) -> Response:
        return cls(status, b"", "text/plain", {"Location": location})


class FakeApp:
    """One fake service. Subclasses implement `handles`, `handle` and the failure bodies."""

    name = "app"

    def __init__(self) -> None:
        self.mode = "ok"
        self.base_url = ""

    def handles(self, path: str) -> bool:
        raise NotImplementedError

    def handle(self, request: Request) -> Response:
        raise NotImplementedError

    def unavailable(self, request: Request) -> Response:
        return Response(503, b"Service Unavailable", "text/plain")

    def malformed(self, request: Request) -> Response:
        return Response(200, b'{"truncated": ', "application/json")


class FakeServer:
    """Hosts fake apps on one port. Use as `with FakeX(...) as url:` or `start()`/`stop()`."""

    def __init__(self, apps: list[FakeApp], *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.apps = apps
        self.host = host
        self.port = port
        self.hang_seconds = 5.0
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> str:
        """Start serving in a background thread and return the base URL."""
        httpd = ThreadingHTTPServer((self.host, self.port), _handler_for(self))
        # Daemon threads and no join on close: a "hang" request must not block stop().
        httpd.daemon_threads = True
        httpd.block_on_close = False
        self._httpd = httpd
        self.port = httpd.server_address[1]
        for app in self.apps:
            app.base_url = self.url
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self.url

    def stop(self) -> None:
        """Stop serving; later connections are refused. The port is kept for a restart."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def wait(self) -> None:
        """Block until Ctrl-C (CLI use), then stop."""
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(timeout=0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- control ---------------------------------------------------------------------------

    def set_mode(self, mode: str, service: str | None = None) -> None:
        """Switch failure mode for every app, or only for the app named `service`."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
        targets = [app for app in self.apps if service in (None, app.name)]
        if not targets:
            raise ValueError(f"no service named {service!r}")
        for app in targets:
            app.mode = mode

    def requests_for(self, path_prefix: str = "") -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path.startswith(path_prefix)]

    @property
    def last_request(self) -> Request | None:
        with self._lock:
            return self.requests[-1] if self.requests else None

    def clear_requests(self) -> None:
        with self._lock:
            self.requests.clear()

    # -- dispatch --------------------------------------------------------------------------

    def dispatch(self, request: Request) -> Response:
        if request.path.startswith("/_fake/"):
            return self._control(request)
        with self._lock:
            self.requests.append(request)
        app = next((a for a in self.apps if a.handles(request.path)), None)
        if app is None:
            return Response(404, b"Not Found", "text/plain")
        return self._apply_mode(app, request)

    def _apply_mode(self, app: FakeApp, request: Request) -> Response:
        if app.mode == "503":
            return app.unavailable(request)
        if app.mode == "malformed":
            return app.malformed(request)
        if app.mode == "hang":
            time.sleep(self.hang_seconds)
        return app.handle(request)

    def _control(self, request: Request) -> Response:
        if request.path == "/_fake/requests":
            with self._lock:
                log = [
                    {"method": r.method, "path": r.path, "query": r.query} for r in self.requests
                ]
            return Response.json(log)
        if request.path == "/_fake/mode" and request.method == "POST":
            return self._control_mode(request)
        return Response.json({"error": "unknown control endpoint"}, status=404)

    def _control_mode(self, request: Request) -> Response:
        payload: dict[str, Any] = {}
        if request.body:
            try:
                payload = json.loads(request.body)
            except ValueError:
                return Response.json({"error": "body must be JSON"}, status=400)
        mode = payload.get("mode") or request.arg("mode")
        service = payload.get("service") or request.arg("service")
        try:
            self.set_mode(str(mode), service)
        except ValueError as exc:
            return Response.json({"error": str(exc)}, status=400)
        return Response.json({app.name: app.mode for app in self.apps})


def _handler_for(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body are separate writes: without this, a kept-alive client (requests,
        # spotipy) waits ~40 ms per call on Nagle's algorithm and delayed ACKs.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def do_HEAD(self) -> None:
            self._serve(send_body=False)

        def _serve(self, send_body: bool = True) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            request = Request(
                method=self.command,
                path=parts.path,
                query=parse_qs(parts.query, keep_blank_values=True),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=self.rfile.read(length) if length else b"",
                at=time.monotonic(),
            )
            response = server.dispatch(request)
            # The client may have given up (e.g. timed out during "hang"); nothing to answer.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._send(response, send_body)

        def _send(self, response: Response, send_body: bool) -> None:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if send_body:
                self.wfile.write(response.body)

        def log_message(self, format: str, *args: Any) -> None:
            # Tests and the demo read the request log instead of stderr noise.
            pass

    return Handler
