"""`FakeSpotify`: accounts + Web API on one port, with faults and observation for tests."""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from fakes.metadata_services.server import FakeApp, FakeServer, Request, Response
from fakes.spotify.accounts import Accounts
from fakes.spotify.webapi import WebApi
from fakes.spotify.world import SpotifyWorld


@dataclass
class Fault:
    """The next `times` requests whose path matches `pattern` get this answer."""

    pattern: re.Pattern[str]
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    times: int = 1

    def response(self) -> Response:
        body = self.body
        if body is None:
            body = {"error": {"status": self.status, "message": _REASONS.get(self.status, "Error")}}
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        return Response(self.status, raw, "application/json", dict(self.headers))


_REASONS = {
    400: "Bad request",
    401: "Invalid access token",
    403: "Forbidden",
    404: "Resource not found",
    429: "API rate limit exceeded",
    500: "Server error",
    502: "Bad gateway",
    503: "Service unavailable",
}


class SpotifyApp(FakeApp):
    """accounts.spotify.com (/authorize, /api/token) and api.spotify.com (/v1/...)."""

    name = "spotify"

    def __init__(self, world: SpotifyWorld, accounts: Accounts) -> None:
        super().__init__()
        self.world = world
        self.accounts = accounts
        self.webapi = WebApi(world, accounts)
        self.faults: list[Fault] = []
        self._fault_lock = threading.Lock()

    def handles(self, path: str) -> bool:
        return path.rstrip("/") in ("/authorize", "/api/token", "/v1") or path.startswith("/v1/")

    def unavailable(self, request: Request) -> Response:
        return Response.json({"error": {"status": 503, "message": "Service unavailable"}}, 503)

    def take_fault(self, path: str) -> Fault | None:
        with self._fault_lock:
            for fault in self.faults:
                if fault.pattern.search(path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def handle(self, request: Request) -> Response:
        fault = self.take_fault(request.path)
        if fault is not None:
            return fault.response()
        path = request.path.rstrip("/")
        if path == "/authorize":
            return self.accounts.authorize(request)
        if path == "/api/token":
            return self.accounts.token(request)
        self.webapi.base_url = self.base_url
        return self.webapi.handle(request)


class FakeSpotify(FakeServer):
    """A fake Spotify (accounts + Web API) for one client id; see the package docstring."""

    def __init__(
        self,
        world: SpotifyWorld | None = None,
        *,
        client_id: str = "soulspot-test",
        client_secret: str | None = None,
        redirect_uris: list[str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.world = world if world is not None else SpotifyWorld()
        self.accounts = Accounts(
            self.world, client_id, client_secret=client_secret, redirect_uris=redirect_uris
        )
        self.app = SpotifyApp(self.world, self.accounts)
        super().__init__([self.app], host=host, port=port)

    def start(self) -> str:
        """Start serving (see FakeServer.start) with TCP_NODELAY on every connection."""
        url = super().start()
        # The shared handler writes headers and body separately; on a kept-alive connection
        # (spotipy's requests session) Nagle + delayed ACK would then add ~40 ms per call.
        if self._httpd is not None:
            handler = self._httpd.RequestHandlerClass
            self._httpd.RequestHandlerClass = type(
                "NoDelayHandler", (handler,), {"disable_nagle_algorithm": True}
            )
        return url

    @property
    def client_id(self) -> str:
        return self.accounts.client_id

    @property
    def access_token_lifetime(self) -> int:
        return self.accounts.access_token_lifetime

    @access_token_lifetime.setter
    def access_token_lifetime(self, seconds: int) -> None:
        self.accounts.access_token_lifetime = seconds

    # -- faults ----------------------------------------------------------------------------

    def fail_next(
        self,
        path_regex: str,
        status: int,
        *,
        headers: dict[str, str] | None = None,
        body: Any = None,
        times: int = 1,
    ) -> None:
        """The next `times` requests whose path matches (re.search) answer `status`.

        Faults apply to every Spotify path (/v1/..., /api/token, /authorize), first added
        first; `body` is JSON-encoded (bytes pass as is), default Spotify's error shape."""
        fault = Fault(re.compile(path_regex), status, dict(headers or {}), body, times)
        with self.app._fault_lock:
            self.app.faults.append(fault)

    def rate_limit_next(self, retry_after: int = 3, times: int = 1) -> None:
        """The next API calls get the rolling-window 429 with `Retry-After`."""
        body = {"error": {"status": 429, "message": "API rate limit exceeded"}}
        self.fail_next(
            r"^/v1(/|$)", 429, headers={"Retry-After": str(retry_after)}, body=body, times=times
        )

    def quota_exceeded(self, times: int = 1, retry_after: int = 86400) -> None:
        """The next API calls get the Development Mode daily-quota 429 (`QUOTA_EXCEEDED`)."""
        body = {
            "error": {"status": 429, "message": "Too many requests", "reason": "QUOTA_EXCEEDED"}
        }
        self.fail_next(
            r"^/v1(/|$)", 429, headers={"Retry-After": str(retry_after)}, body=body, times=times
        )

    def expire_access_tokens(self) -> None:
        """Every access token issued so far answers 401 "The access token expired"."""
        self.accounts.expire_access_tokens()

    # -- observation -----------------------------------------------------------------------

    def api_requests(self, path_regex: str | None = None) -> list[Request]:
        """Web API calls (paths under /v1) in arrival order; `Request.at` is monotonic time."""
        pattern = re.compile(path_regex) if path_regex else None
        calls = self.requests_for("/v1")
        return [r for r in calls if pattern is None or pattern.search(r.path)]

    def token_requests(self) -> list[dict[str, Any]]:
        """Each POST to /api/token: grant_type, outcome ("ok", "invalid_grant", ...), ..."""
        with self.accounts.lock:
            return [dict(entry) for entry in self.accounts.token_log]

    def issue_token(self, scope: str = "") -> dict[str, Any]:
        """A token response as /api/token gives it, without the authorization dance."""
        return self.accounts.issue_for_tests(scope)

    # -- HTTP control (for the demo) -------------------------------------------------------

    def _control(self, request: Request) -> Response:
        if request.method == "POST" and request.path == "/_fake/spotify/fault":
            return self._control_fault(request)
        if request.method == "POST" and request.path == "/_fake/spotify/expire-tokens":
            self.expire_access_tokens()
            return Response.json({"expired": True})
        if request.path == "/_fake/spotify/tokens":
            return Response.json(self.token_requests())
        return super()._control(request)

    def _control_fault(self, request: Request) -> Response:
        try:
            payload = json.loads(request.body or b"{}")
            if not isinstance(payload, dict):
                raise ValueError("body must be a JSON object")
            headers = {str(k): str(v) for k, v in (payload.get("headers") or {}).items()}
            self.fail_next(
                str(payload.get("path") or ".*"),
                int(payload.get("status", 500)),
                headers=headers,
                body=payload.get("body"),
                times=int(payload.get("times", 1)),
            )
        except (ValueError, TypeError, AttributeError, re.error) as exc:
            return Response.json({"error": str(exc)}, status=400)
        return Response.json({"faults": len(self.app.faults)})
