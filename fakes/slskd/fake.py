"""`FakeSlskd`: the server object, its request dispatch and its Python-side controls."""

from __future__ import annotations

import shutil
import sys
import threading
import time
import traceback
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from types import TracebackType
from typing import Any

from .api_core import health
from .auth import Authenticator
from .batches import BatchEngine
from .config import FakeConfig
from .control import CONTROL_ROUTER
from .events import EventLog
from .httpd import FakeHTTPServer, HttpError, Reply, Request, Route, empty, message, pause
from .network import Failure, Network
from .routes import ROUTER
from .searches import SearchEngine
from .stats import Break, BreakBoard, Stats
from .transfers import Transfer, TransferEngine

DEFAULT_API_KEY = "fake-slskd-api-key-0123456789"
_JSON_TYPES = {"application/json", "text/json"}
_STATUSES = {status.value for status in HTTPStatus}


class FakeSlskd:
    """A slskd 0.26 look-alike on a local port. Use as a context manager or start()/stop()."""

    def __init__(
        self,
        *,
        downloads_dir: Path,
        api_key: str | None = DEFAULT_API_KEY,
        network: Network | None = None,
        config: FakeConfig | None = None,
        incomplete_dir: Path | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.config = config or FakeConfig()
        self.network = network or Network()
        self.downloads_dir = Path(downloads_dir).resolve()
        self.incomplete_dir = Path(incomplete_dir or self.downloads_dir.parent / "incomplete")
        self.incomplete_dir = self.incomplete_dir.resolve()
        self.host, self.port = host, port
        self._api_key = api_key
        keys = [api_key] if api_key else []
        self.auth = Authenticator(
            keys + list(self.config.extra_api_keys),
            self.config.username,
            self.config.password,
            self.config.jwt_ttl_seconds,
        )
        self.lock = threading.RLock()  # guards searches, transfers and their records
        self.stopping = threading.Event()
        self.connected = True
        self.stats = Stats()
        self.breaks = BreakBoard()
        self.events = EventLog()
        self.searches = SearchEngine(self)
        self.transfers = TransferEngine(self)
        self.batches = BatchEngine(self)
        self._baseline = self.network.snapshot()
        self._server: FakeHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> str:
        """Bind (port 0 = ephemeral), serve on a background thread, return the base URL."""
        self.downloads_dir.mkdir(parents=True, exist_ok=True)
        self.incomplete_dir.mkdir(parents=True, exist_ok=True)
        self._baseline = self.network.snapshot()
        self.stopping.clear()
        self._server = FakeHTTPServer((self.host, self.port), self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self.url

    def stop(self) -> None:
        """Stop serving and wake every background thread so they exit promptly."""
        self.stopping.set()
        self.searches.clear()
        with self.lock:
            for transfer in self.transfers.transfers.values():
                transfer.cancel.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.close_connections()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeSlskd:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL including `url_base`, so `url + "/api/v0/..."` always works."""
        return f"http://{self.host}:{self.port}{self.config.url_prefix}"

    @property
    def api_key(self) -> str | None:
        """The primary key (`--api-key`); `config.extra_api_keys` are accepted too."""
        return self._api_key

    # --- controls (also exposed under /_fake) -------------------------------------------------

    def disconnect(self) -> None:
        """Log out of the (simulated) Soulseek server: searches 409, isLoggedIn false."""
        self.connected = False

    def connect(self) -> None:
        self.connected = True

    def set_user_online(self, username: str, online: bool = True) -> None:
        """Take a peer off the network (or back); raises KeyError for unknown peers."""
        self.network.set_online(username, online)

    def add_failure(self, fail: str, user: str | None = None, **fields: Any) -> Failure:
        """Script a failure: rejected, errored, timed_out, offline or queued_forever."""
        return self.network.add_failure(fail, user, **fields)

    def clear_failures(self) -> None:
        with self.network.lock:
            self.network.failures.clear()

    def break_route(self, route: str = "", mode: str = "malformed_json", **fields: Any) -> Break:
        """Break the next matching API replies; see `stats.Break` for the fields."""
        return self.breaks.add(Break(route=route, mode=mode, **fields))

    def reset(self, *, wipe_files: bool = False) -> None:
        """Forget all records, events and stats and undo runtime controls."""
        self.searches.clear()
        self.transfers.clear()
        self.batches.clear()
        self.events.clear()
        self.breaks.clear()
        self.stats = Stats()
        self.connected = True
        self.network.restore(self._baseline)
        if wipe_files:
            for directory in (self.downloads_dir, self.incomplete_dir):
                shutil.rmtree(directory, ignore_errors=True)
                directory.mkdir(parents=True, exist_ok=True)

    def transfer(self, transfer_id: str) -> Transfer | None:
        """A download record by id (for assertions)."""
        with self.lock:
            return self.transfers.transfers.get(transfer_id)

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Poll `predicate` until truthy (returned) or raise TimeoutError."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.01)
        raise TimeoutError(f"condition not met within {timeout}s")

    # --- dispatch ------------------------------------------------------------------------------

    def dispatch(self, req: Request) -> Reply:
        """Route one request: /health, /_fake/*, /api/v0/* (404 empty for anything else)."""
        req.path = self._strip_url_base(req.path)
        segments = [s.lower() for s in req.segments]
        if segments[:1] == ["_fake"]:
            return self._control(req)
        if segments == ["health"] and req.method == "GET":
            return self._with_break(req, "health", lambda: health(self, req))
        if segments[:2] != ["api", "v0"]:
            return empty(404)
        api_segments = req.segments[2:]
        route, params, path_exists = ROUTER.resolve(req.method, api_segments)
        if route is None:
            return empty(405 if path_exists else 404)
        req.params = params
        self.stats.count_request(route.name)
        relative = "/".join(api_segments)
        reply = self._with_break(req, relative, lambda: self._call(route, req))
        reply.headers.setdefault("api-supported-versions", "0")
        return reply

    def _strip_url_base(self, path: str) -> str:
        """`UsePathBase`: strip the prefix when present, otherwise leave the path alone."""
        prefix = self.config.url_prefix
        if prefix and path.lower().startswith(prefix.lower()):
            rest = path[len(prefix) :]
            if rest == "" or rest.startswith("/"):
                return rest or "/"
        return path

    def _control(self, req: Request) -> Reply:
        route, params, path_exists = CONTROL_ROUTER.resolve(req.method, req.segments[1:])
        if route is None:
            return empty(405 if path_exists else 404)
        req.params = params
        return self._invoke(route, req)

    def _call(self, route: Route, req: Request) -> Reply:
        """Authentication, then the [Consumes("application/json")] check, then the action."""
        if not (route.anonymous or self.config.auth_disabled):
            result = self.auth.check(req.headers)
            if not result.ok:
                return Reply(401, headers={"WWW-Authenticate": result.challenge})
        if not _acceptable_content(req):
            return empty(415)
        return self._invoke(route, req)

    def _invoke(self, route: Route, req: Request) -> Reply:
        """Run a handler; unhandled exceptions become 500 with the message, as in slskd."""
        try:
            return route.handler(self, req)
        except HttpError as exc:
            return exc.reply
        except Exception as exc:  # the real server's UseExceptionHandler does the same
            traceback.print_exc(file=sys.stderr)
            return message(500, str(exc) or type(exc).__name__)

    def _with_break(self, req: Request, path: str, handle: Callable[[], Reply]) -> Reply:
        rule = self.breaks.take(req.method, path)
        if rule is None:
            return handle()
        if rule.mode == "delay":
            pause(rule.seconds)
            return handle()
        if rule.mode in {"error", "close"} and not rule.after:
            return _broken(rule, None)
        return _broken(rule, handle())


def _acceptable_content(req: Request) -> bool:
    """415 for a non-JSON Content-Type, or for a body sent with no Content-Type at all."""
    content_type = req.headers.get("Content-Type")
    if content_type:
        media = content_type.split(";")[0].strip().lower()
        return media in _JSON_TYPES or media.endswith("+json")
    return not req.body.strip()


def _broken(rule: Break, real: Reply | None) -> Reply:
    """The reply a broken proxy/server would send instead of (or on top of) the real one."""
    if rule.mode == "close":
        return Reply(0, close=True)
    if rule.mode == "error":
        if rule.status == 500:
            return message(500, "Injected failure (fake slskd)")
        phrase = HTTPStatus(rule.status).phrase if rule.status in _STATUSES else "Error"
        page = f"<html><body><h1>{rule.status} {phrase}</h1></body></html>".encode()
        return Reply(rule.status, page, "text/html")
    status = real.status if real and real.status != 204 else 200
    if rule.mode == "empty_body":
        return Reply(status, b"", "application/json; charset=utf-8")
    body = real.body if real and len(real.body) > 4 else b'{"id":"x","state":"InPro'
    return Reply(
        status, body[: max(1, len(body) // 2)] + b"\x00}", "application/json; charset=utf-8"
    )
