"""Last.fm client (through pylast): the top tags of a track, an album or an artist.

The only module that imports pylast (and its HTTP library, httpx2). Off while
settings.LASTFM_API_KEY is empty: calls then raise `LastFmNotConfigured` without any network
traffic. Requests are paced `LASTFM_RATE_LIMIT_SECONDS` apart across every SoulSpot process
(Last.fm's terms ask for about five a second) and go through the provider cache.

pylast hard-codes `https://ws.audioscrobbler.com/2.0/` and its own timeouts and User-Agent. Its
public `proxy=` argument mounts an httpx2 transport for `https://`; ours (`_ToLastFmUrl`)
rewrites each request to settings.LASTFM_URL and sets SoulSpot's User-Agent and timeout.
"""

from __future__ import annotations

import xml.parsers.expat
from collections.abc import Callable
from dataclasses import dataclass

import httpx2
import pylast
from django.conf import settings

from metadata.providers import cache, pacing
from metadata.providers.base import (
    NotFound,
    ProviderError,
    ProviderUnavailable,
    require_enabled,
    service_url,
    timeout_seconds,
    user_agent,
)

CACHE_KIND = "lastfm.tags"
# Last.fm error codes (https://www.last.fm/api/errorcodes).
NOT_FOUND_CODES = {"6"}
BAD_KEY_CODES = {"10", "26"}  # invalid API key, suspended API key
TRANSIENT_CODES = {"8", "11", "16", "29"}  # operation failed, offline, unavailable, rate limit


# What a pylast call can raise for a bad answer: its own errors, and the parse errors it lets
# through when the XML lacks the elements it expects (e.g. status="failed" without <error>).
_PYLAST_FAILURES = (pylast.PyLastError, xml.parsers.expat.ExpatError, IndexError, AttributeError)


class LastFmError(ProviderError):
    """Last.fm gave no usable answer."""


class LastFmUnavailable(LastFmError, ProviderUnavailable):
    """Network trouble, 5xx, rate limit, a garbled answer or a refused key: try again later."""


class LastFmNotConfigured(LastFmUnavailable):
    """No LASTFM_API_KEY is set: Last.fm is off."""


class LastFmKeyRejected(LastFmUnavailable):
    """Last.fm refused LASTFM_API_KEY (invalid or suspended): the setting needs fixing."""


class LastFmNotFound(LastFmError, NotFound):
    """Last.fm does not know the track, album or artist."""


@dataclass(frozen=True)
class TopTag:
    """One of Last.fm's top tags: its name as users typed it and its weight (0-100, relative
    to the top tag)."""

    name: str
    weight: int


def track_top_tags(artist: str, title: str) -> list[TopTag]:
    """The track's top tags, most used first."""
    return _top_tags("track.getTopTags", (artist, title), lambda net: net.get_track(artist, title))


def album_top_tags(artist: str, album: str) -> list[TopTag]:
    """The album's top tags, most used first."""
    return _top_tags("album.getTopTags", (artist, album), lambda net: net.get_album(artist, album))


def artist_top_tags(artist: str) -> list[TopTag]:
    """The artist's top tags, most used first."""
    return _top_tags("artist.getTopTags", (artist,), lambda net: net.get_artist(artist))


def _top_tags(
    method: str,
    names: tuple[str, ...],
    item: Callable[[pylast.LastFMNetwork], pylast.Track | pylast.Album | pylast.Artist],
) -> list[TopTag]:
    require_enabled(LastFmUnavailable)
    if not settings.LASTFM_API_KEY:
        raise LastFmNotConfigured("Last.fm is off: set LASTFM_API_KEY to get genres from it")

    def load() -> list[list[str | int]]:
        pacing.wait_for_slot("lastfm", settings.LASTFM_RATE_LIMIT_SECONDS)
        try:
            top = item(_network()).get_top_tags()
        except _PYLAST_FAILURES as exc:
            raise _translate(exc) from exc
        return [[str(t.item.get_name()), _weight(t.weight)] for t in top if t.item.get_name()]

    key = "|".join([method, *(_fold(name) for name in names)])
    answer = cache.remember(CACHE_KIND, key, load, not_found=LastFmNotFound)
    return [TopTag(str(name), int(weight)) for name, weight in answer]


def _network() -> pylast.LastFMNetwork:
    # A network per call: pylast's client closes the mounted transport after each request.
    return pylast.LastFMNetwork(api_key=settings.LASTFM_API_KEY, proxy={"https://": _ToLastFmUrl()})


class _ToLastFmUrl(httpx2.BaseTransport):
    """Sends pylast's `https://ws.audioscrobbler.com/2.0/` requests to settings.LASTFM_URL,
    with SoulSpot's User-Agent and the provider timeout instead of pylast's own."""

    def __init__(self) -> None:
        self.base = httpx2.URL(service_url(settings.LASTFM_URL))
        self.inner = httpx2.HTTPTransport()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        request.url = request.url.copy_with(
            scheme=self.base.scheme,
            host=self.base.host,
            port=self.base.port,
            path=self.base.path.rstrip("/") + request.url.path,
        )
        request.headers["Host"] = self.base.netloc.decode("ascii")
        request.headers["User-Agent"] = user_agent()
        seconds = timeout_seconds()
        request.extensions["timeout"] = dict.fromkeys(("connect", "read", "write", "pool"), seconds)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def _translate(exc: Exception) -> LastFmError:
    if isinstance(exc, pylast.WSError):
        return _from_status(str(exc.status), str(exc.details))
    if isinstance(exc, pylast.NetworkError):
        return LastFmUnavailable(f"could not reach Last.fm: {exc.underlying_error}")
    if isinstance(exc, pylast.MalformedResponseError | xml.parsers.expat.ExpatError):
        return LastFmUnavailable("Last.fm sent a malformed answer")
    if isinstance(exc, pylast.PyLastError):
        return LastFmError(f"Last.fm: {exc}")
    return LastFmUnavailable(f"Last.fm sent an answer SoulSpot cannot read ({exc!r})")


def _from_status(status: str, details: str) -> LastFmError:
    if status in NOT_FOUND_CODES:
        return LastFmNotFound(f"Last.fm: {details}")
    if status in BAD_KEY_CODES:
        return LastFmKeyRejected(
            f"Last.fm refused the API key (error {status}: {details}): check LASTFM_API_KEY"
        )
    if status in TRANSIENT_CODES or (status.isdigit() and 500 <= int(status) <= 599):
        return LastFmUnavailable(f"Last.fm is unavailable (error {status}: {details})")
    return LastFmError(f"Last.fm refused the request (error {status}: {details})")


def _weight(value: object) -> int:
    # pylast hands the <count> text over as a string (or None when the element is empty).
    text = str(value or "").strip()
    return int(text) if text.isdigit() else 0


def _fold(name: str) -> str:
    """Last.fm matches names case-insensitively, so the cache does too."""
    return " ".join(name.casefold().split())
