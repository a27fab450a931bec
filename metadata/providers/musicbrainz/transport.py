"""The transport under every MusicBrainz request: settings, timeout, pacing, typed errors.

musicbrainzngs keeps its configuration in module globals, so every call re-applies SoulSpot's
settings first (host, port and scheme from MUSICBRAINZ_URL; musicbrainzngs cannot use a path
prefix, it always asks for /ws/2/...; the User-Agent from SOULSPOT_USER_AGENT).

Three library behaviours are replaced:
- it has no timeout;
- it retries 5xx answers eight times with growing sleeps (about a minute), stalling a worker;
- its rate limiter sleeps 1/interval instead of interval, so only a 1 s interval works.
Our opener adds the timeout and turns 5xx into an immediate failure; `call` paces every
request across every SoulSpot process (`metadata.providers.pacing`, MUSICBRAINZ_RATE_LIMIT_SECONDS,
default 1.0, 0 = off) and retries a 503
(MusicBrainz's "slow down") at most MUSICBRAINZ_MAX_ATTEMPTS times (default 2).

Every answer goes through the provider cache (`metadata.providers.cache`): entities by id
("musicbrainz.lookup", 30 days) and searches/browses ("musicbrainz.search", 1 day), keyed by the
function and its arguments; a 404 is remembered for a day. A cached answer makes no request and
takes no pacing slot. A refresh wraps its calls in `cache.bypass()`.
"""

from __future__ import annotations

import http.client
import io
import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

import musicbrainzngs
from django.conf import settings
from musicbrainzngs import compat as mb_compat
from musicbrainzngs import mbxml

from metadata.providers import cache, pacing
from metadata.providers.base import (
    NotFound,
    ProviderError,
    ProviderUnavailable,
    require_enabled,
    timeout_seconds,
)

_USER_AGENT = re.compile(r"^\s*([^/\s]+)/(\S+)\s*(?:\(\s*(.*?)\s*\))?")
# Statuses musicbrainzngs already turns into ResponseError/AuthenticationError without retrying.
_FINAL_STATUSES = (400, 401, 404, 411)


class MusicBrainzError(ProviderError):
    """MusicBrainz could not answer usefully (e.g. it rejected a malformed id)."""


class MusicBrainzUnavailable(MusicBrainzError, ProviderUnavailable):
    """Network trouble, 5xx/rate limit or malformed XML: try again later."""


class MusicBrainzNotFound(MusicBrainzError, NotFound):
    """MusicBrainz has no entity with that id (404)."""


def call(function: Callable[..., dict[str, Any]], *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Call a musicbrainzngs function with SoulSpot's settings and typed errors, answered from
    the provider cache while a fresh answer is stored (`cache.bypass()` asks again)."""
    require_enabled(MusicBrainzUnavailable)
    return cache.remember(
        _cache_kind(function),
        cache_key(function, args, kwargs),
        lambda: _request(function, *args, **kwargs),
        not_found=MusicBrainzNotFound,
    )


def cache_key(function: Callable[..., Any], args: tuple, kwargs: dict[str, Any]) -> str:
    """The request as text: function name, arguments and keyword arguments in name order."""
    arguments = json.dumps([list(args), kwargs], sort_keys=True, ensure_ascii=False, default=str)
    return f"{function.__name__}{arguments}"


def _cache_kind(function: Callable[..., Any]) -> str:
    # Searches and browses change as MusicBrainz grows; entities by id change rarely.
    if function.__name__.startswith(("search_", "browse_")):
        return SEARCH_KIND
    return LOOKUP_KIND


def _request(function: Callable[..., dict[str, Any]], *args: Any, **kwargs: Any) -> dict[str, Any]:
    _configure()
    attempts_left = max(1, int(settings.MUSICBRAINZ_MAX_ATTEMPTS))
    interval = float(settings.MUSICBRAINZ_RATE_LIMIT_SECONDS)
    while True:
        attempts_left -= 1
        pacing.wait_for_slot(PACE_SERVICE, interval)
        try:
            return function(*args, **kwargs)
        except musicbrainzngs.WebServiceError as exc:
            # Only a 503 (MusicBrainz's rate limiting) is worth an immediate, paced retry.
            if attempts_left <= 0 or _status_of(exc) != 503:
                raise _translate(exc) from exc


def _configure() -> None:
    url = urlsplit(settings.MUSICBRAINZ_URL)
    musicbrainzngs.set_hostname(url.netloc, use_https=url.scheme == "https")
    musicbrainzngs.set_useragent(*_user_agent_parts(settings.SOULSPOT_USER_AGENT))
    musicbrainzngs.set_rate_limit(False)  # our pacing spaces requests instead
    musicbrainzngs.set_parser(_parse_xml)
    mb_compat.build_opener = _build_opener


def _user_agent_parts(user_agent: str) -> tuple[str, str, str | None]:
    """Split "App/1.0 ( contact )" into what musicbrainzngs.set_useragent wants."""
    match = _USER_AGENT.match(user_agent)
    if match is None:
        return "SoulSpot", "0", None
    return match.group(1), match.group(2), match.group(3) or None


def _parse_xml(body: bytes) -> dict[str, Any]:
    # The parser is a trust boundary: any failure in it means MusicBrainz sent a bad body.
    try:
        return mbxml.parse_message(body)
    except Exception as exc:
        raise musicbrainzngs.ResponseError("malformed XML from MusicBrainz", cause=exc) from exc


def _status_of(exc: musicbrainzngs.WebServiceError) -> int | None:
    cause = exc.cause
    if isinstance(cause, urllib.error.HTTPError):
        return cause.code
    return cause.status if isinstance(cause, _ServerFault) else None


def _translate(exc: musicbrainzngs.WebServiceError) -> MusicBrainzError:
    status = _status_of(exc)
    if status == 404:
        return MusicBrainzNotFound("MusicBrainz has no such entity")
    if status in (400, 401, 411):
        return MusicBrainzError(f"MusicBrainz rejected the request (HTTP {status}): {exc}")
    if isinstance(exc, musicbrainzngs.ResponseError) and status is None:
        return MusicBrainzUnavailable(f"malformed response from MusicBrainz: {exc}")
    return MusicBrainzUnavailable(f"MusicBrainz is unavailable: {exc}")


# MusicBrainz allows about one request per second per IP, counted across all our processes.
PACE_SERVICE = "musicbrainz"
LOOKUP_KIND = "musicbrainz.lookup"
SEARCH_KIND = "musicbrainz.search"


class _ServerFault(OSError):
    """An HTTP failure musicbrainzngs must not retry by itself.

    Its `_safe_read` retries 5xx and read timeouts with long sleeps but gives up at once on a
    plain OSError (raising NetworkError), so that is what the opener raises instead.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class _Opener:
    """A urllib opener with a timeout that reads the whole body and fails fast on 5xx."""

    def __init__(self, handlers: Sequence[urllib.request.BaseHandler], timeout: float) -> None:
        self._opener = urllib.request.build_opener(*handlers)
        self._timeout = timeout

    def open(self, request: urllib.request.Request, data: bytes | None = None) -> io.BytesIO:
        try:
            response = self._opener.open(request, data, timeout=self._timeout)
        except urllib.error.HTTPError as exc:
            if exc.code in _FINAL_STATUSES:
                raise
            raise _ServerFault(f"HTTP {exc.code} from MusicBrainz", exc.code) from exc
        except urllib.error.URLError:
            raise  # connection refused, DNS...: musicbrainzngs gives up at once
        except (OSError, http.client.HTTPException) as exc:
            # A timeout waiting for the status line, or a dropped connection.
            raise _ServerFault(f"no answer from MusicBrainz: {exc}") from exc
        with response:
            try:
                return io.BytesIO(response.read())
            except (OSError, http.client.HTTPException) as exc:
                raise _ServerFault(f"reading the MusicBrainz answer failed: {exc}") from exc


def _build_opener(*handlers: urllib.request.BaseHandler) -> _Opener:
    return _Opener(handlers, timeout_seconds())
