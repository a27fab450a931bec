"""HTTP plumbing for the slskd client: one `httpx.Client`, and every failure turned into a
`SlskdError` with a sentence a user can read.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx

from soulspot.lib.http import http_client

from .errors import (
    SlskdError,
    SlskdNotFound,
    SlskdProtocolError,
    SlskdRateLimited,
    SlskdUnauthorized,
    SlskdUnreachable,
    SlskdUserOffline,
)

logger = logging.getLogger("downloads.slskd")

API_PREFIX = "/api/v0"
DEFAULT_USER_AGENT = "SoulSpot"
GATEWAY_STATUSES = frozenset({502, 503, 504})
# slskd words it "User <u> appears to be offline" on enqueue (500) and on users/* (404).
OFFLINE_MARKER = "appears to be offline"


def display_url(base_url: str) -> str:
    """The base URL without any user:password, safe to show in messages and logs."""
    try:
        return str(httpx.URL(base_url).copy_with(username=None, password=None))
    except (httpx.InvalidURL, TypeError, ValueError):
        return base_url


def normalise_base_url(base_url: str) -> str:
    """Accept `http://host:5030`, `.../slskd/` or a URL that already ends in `/api/v0`."""
    url = base_url.strip().rstrip("/")
    if url.lower().endswith(API_PREFIX):
        url = url[: -len(API_PREFIX)]
    return url


def segment(value: str) -> str:
    """One URL path segment: "/" escaped too, and "." or ".." kept from being resolved away."""
    quoted = quote(value, safe="")
    # httpx removes dot segments, which would send ".." (a legal Soulseek name) to another route.
    return quoted.replace(".", "%2E") if quoted in (".", "..") else quoted


def error_text(response: httpx.Response) -> str:
    """slskd's error body is a JSON string, empty, or (behind a proxy) anything at all."""
    raw = response.content.strip()
    if not raw:
        return ""
    try:
        decoded = json.loads(raw)
    except ValueError:
        return response.text.strip()[:200]
    return decoded.strip()[:300] if isinstance(decoded, str) else str(decoded)[:200]


class BaseClient:
    """Owns the HTTP connection; subclasses add the endpoints."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = normalise_base_url(base_url)
        self.display_url = display_url(self.base_url)
        self.timeout = float(timeout)
        self._sleep = sleep
        self._clock = clock
        headers = {"Accept": "application/json"}
        if api_key:
            # Left out when empty: an slskd with authentication disabled needs no key.
            headers["X-API-Key"] = api_key
        # Connecting fails fast; a slow answer (a blocking legacy enqueue) may take longer.
        self._http = http_client(
            timeout=self.timeout,
            user_agent=user_agent,
            headers=headers,
            follow_redirects=False,
            base_url=self.base_url + API_PREFIX,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> BaseClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: dict[str, str] | None = None,
        timeout: float | None = None,
        statuses: dict[int, type[SlskdError]] | None = None,
    ) -> httpx.Response:
        """Send one request; return the 2xx response or raise the matching `SlskdError`.

        `statuses` maps a status to the error class it means for this endpoint (409 on a
        search means "not logged in"); everything else follows `_raise_for_status`.
        """
        kwargs: dict[str, Any] = {"params": params}
        if json_body is not None:
            kwargs["json"] = json_body  # httpx adds Content-Type: application/json (§1: else 415)
        if timeout is not None:
            kwargs["timeout"] = httpx.Timeout(timeout, connect=min(timeout, 5.0))
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise self._transport_error(exc, timeout or self.timeout) from exc
        except httpx.InvalidURL as exc:
            raise SlskdUnreachable(
                f"slskd URL {self.display_url} is not valid: {exc}", reason="connect"
            ) from exc
        self._raise_for_status(response, f"{method} {path}", statuses or {})
        return response

    def _transport_error(self, exc: httpx.HTTPError, timeout: float) -> SlskdUnreachable:
        where = f"slskd unreachable at {self.display_url}"
        if isinstance(exc, httpx.ConnectTimeout):
            return SlskdUnreachable(f"{where}: connection timed out", reason="connect")
        if isinstance(exc, httpx.TimeoutException):
            # The request may have reached slskd: callers treat this differently from "connect".
            return SlskdUnreachable(f"{where}: no answer within {timeout:g} s", reason="timeout")
        if isinstance(exc, httpx.ConnectError | httpx.UnsupportedProtocol):
            text = str(exc) or type(exc).__name__
            detail = "connection refused" if "refused" in text.lower() else text
            return SlskdUnreachable(f"{where}: {detail}", reason="connect")
        return SlskdUnreachable(f"{where}: {exc or type(exc).__name__}", reason="network")

    def _raise_for_status(
        self, response: httpx.Response, what: str, statuses: dict[int, type[SlskdError]]
    ) -> None:
        status = response.status_code
        if 200 <= status < 300:
            return
        text = error_text(response)
        suffix = f": {text}" if text else ""
        if status in statuses:
            cls = statuses[status]
            headline = cls.headline or f"slskd refused {what}"
            raise cls(f"{headline} ({status}){suffix}", status=status)
        if OFFLINE_MARKER in text.lower():
            raise SlskdUserOffline(text, status=status)
        if status in (401, 403):
            detail = "rejected the API key" if status == 401 else "does not allow this API key"
            raise SlskdUnauthorized(
                f"slskd at {self.display_url} {detail} ({status})", status=status
            )
        if status == 404:
            raise SlskdNotFound(f"slskd: not found ({what}){suffix}", status=status)
        if status == 429:
            raise SlskdRateLimited(f"slskd is busy with another request ({what})", status=status)
        if status in GATEWAY_STATUSES:
            raise SlskdUnreachable(
                f"slskd unreachable at {self.display_url}: gateway answered {status}",
                reason="gateway",
                status=status,
            )
        raise SlskdProtocolError(f"slskd answered {status} to {what}{suffix}", status=status)

    def _decode(self, response: httpx.Response, kind: type | tuple[type, ...], what: str) -> Any:
        """The JSON body, checked to be `kind`; anything else is a `SlskdProtocolError`."""
        try:
            data = response.json()
        except ValueError as exc:
            raise SlskdProtocolError(f"slskd sent malformed JSON for {what}") from exc
        if not isinstance(data, kind) or (isinstance(data, bool) and bool not in _as_tuple(kind)):
            raise SlskdProtocolError(
                f"slskd sent an unexpected reply for {what}: {type(data).__name__}"
            )
        return data

    def _get_json(
        self,
        path: str,
        kind: type | tuple[type, ...],
        *,
        params: dict[str, str] | None = None,
        timeout: float | None = None,
    ) -> Any:
        response = self._request("GET", path, params=params, timeout=timeout)
        return self._decode(response, kind, f"GET {path}")


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)
