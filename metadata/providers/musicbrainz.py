"""MusicBrainz WS/2 client: the only module that imports musicbrainzngs.

musicbrainzngs keeps its configuration in module globals, so every call re-applies SoulSpot's
settings first (host, port and scheme from MUSICBRAINZ_URL; musicbrainzngs cannot use a path
prefix, it always asks for /ws/2/...; the User-Agent from SOULSPOT_USER_AGENT).

Three library behaviours are replaced:
- it has no timeout;
- it retries 5xx answers eight times with growing sleeps (about a minute), stalling a worker;
- its rate limiter sleeps 1/interval instead of interval, so only a 1 s interval works.
Our opener adds the timeout and turns 5xx into an immediate failure; `_call` paces every
request process-wide (MUSICBRAINZ_RATE_LIMIT_SECONDS, default 1.0, 0 = off) and retries a 503
(MusicBrainz's "slow down") at most MUSICBRAINZ_MAX_ATTEMPTS times (default 2).

Every failure surfaces as MusicBrainzError: MusicBrainzUnavailable (network, 5xx, malformed
XML: retry later) or MusicBrainzNotFound (404).
"""

from __future__ import annotations

import dataclasses
import http.client
import io
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

import musicbrainzngs
from django.conf import settings
from musicbrainzngs import compat as mb_compat
from musicbrainzngs import mbxml

from metadata.providers.base import (
    NotFound,
    ProviderError,
    ProviderUnavailable,
    RateLimiter,
    require_enabled,
    timeout_seconds,
)

ISRC_RE = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$")
RELEASE_INCLUDES = ["recordings", "artists", "release-groups", "media", "isrcs", "artist-credits"]
SEARCH_LIMIT = 10
MIN_SEARCH_SCORE = 80  # MusicBrainz ext:score below this is usually a different song
MAX_LENGTH_GAP_MS = 15_000  # a longer gap means another version (live, extended mix)
_USER_AGENT = re.compile(r"^\s*([^/\s]+)/(\S+)\s*(?:\(\s*(.*?)\s*\))?")
# Statuses musicbrainzngs already turns into ResponseError/AuthenticationError without retrying.
_FINAL_STATUSES = (400, 401, 404, 411)

T = TypeVar("T")


class MusicBrainzError(ProviderError):
    """MusicBrainz could not answer usefully (e.g. it rejected a malformed id)."""


class MusicBrainzUnavailable(MusicBrainzError, ProviderUnavailable):
    """Network trouble, 5xx/rate limit or malformed XML: try again later."""


class MusicBrainzNotFound(MusicBrainzError, NotFound):
    """MusicBrainz has no entity with that id (404)."""


@dataclass(frozen=True)
class ReleaseSummary:
    """A release as listed under a recording. Type fields are None when MB did not include the
    release group (ISRC lookups); disc/track fields are set by search results only."""

    id: str
    title: str
    status: str | None
    date: str | None
    country: str | None
    release_group_id: str | None
    primary_type: str | None
    secondary_types: tuple[str, ...]
    disc_number: int | None = None
    track_number: str | None = None


@dataclass(frozen=True)
class RecordingMatch:
    """A candidate recording. `score` is MB's search score (100 for ISRC matches)."""

    id: str
    title: str
    length_ms: int | None
    artist: str
    artist_ids: tuple[str, ...]
    score: int
    isrcs: tuple[str, ...]
    releases: tuple[ReleaseSummary, ...]


@dataclass(frozen=True)
class ReleaseTrack:
    id: str | None
    position: int
    number: str
    title: str
    length_ms: int | None
    recording_id: str
    artist: str
    artist_ids: tuple[str, ...]
    isrcs: tuple[str, ...]

    @property
    def isrc(self) -> str | None:
        return self.isrcs[0] if self.isrcs else None


@dataclass(frozen=True)
class Medium:
    """One disc (or side, file set...) of a release."""

    position: int
    format: str | None
    title: str | None
    tracks: tuple[ReleaseTrack, ...]


@dataclass(frozen=True)
class ReleaseInfo:
    id: str
    title: str
    status: str | None
    date: str | None
    year: int | None
    country: str | None
    artist: str
    artist_ids: tuple[str, ...]
    release_group_id: str | None
    primary_type: str | None
    secondary_types: tuple[str, ...]
    media: tuple[Medium, ...]

    @property
    def disc_count(self) -> int:
        return len(self.media)

    def find_recording(self, recording_id: str) -> tuple[Medium, ReleaseTrack] | None:
        """The first (medium, track) holding `recording_id`, if any."""
        for medium in self.media:
            for track in medium.tracks:
                if track.recording_id == recording_id:
                    return medium, track
        return None


@dataclass(frozen=True)
class ReleaseGroupInfo:
    id: str
    title: str
    primary_type: str | None
    secondary_types: tuple[str, ...]
    first_release_date: str | None
    artist: str
    artist_ids: tuple[str, ...]


@dataclass(frozen=True)
class TrackMetadata:
    """Everything SoulSpot tags from MusicBrainz for one track. Release fields are None for a
    standalone recording (one that is on no release)."""

    recording_id: str
    title: str
    artist: str
    artist_ids: tuple[str, ...]
    length_ms: int | None
    isrcs: tuple[str, ...]
    matched_by: Literal["isrc", "search"]
    score: int
    release_id: str | None = None
    release_group_id: str | None = None
    album: str | None = None
    album_artist: str | None = None
    album_artist_ids: tuple[str, ...] = ()
    date: str | None = None
    year: int | None = None
    track_number: int | None = None
    track_total: int | None = None
    disc_number: int | None = None
    disc_total: int | None = None
    release_type: str | None = None
    release_secondary_types: tuple[str, ...] = ()
    release_status: str | None = None


# -- public calls ----------------------------------------------------------------------------


def recording_by_isrc(isrc: str) -> list[RecordingMatch]:
    """Recordings carrying `isrc`; [] when MusicBrainz knows none."""
    code = normalize_isrc(isrc)
    try:
        data = _call(
            musicbrainzngs.get_recordings_by_isrc, code, includes=["artists", "releases", "isrcs"]
        )
    except MusicBrainzNotFound:
        return []
    return _parse(
        lambda: [_recording_match(r, 100) for r in data["isrc"].get("recording-list", [])]
    )


def search_recording(
    artist: str, title: str, duration_ms: int | None = None, *, limit: int = SEARCH_LIMIT
) -> list[RecordingMatch]:
    """Search recordings by artist and title, best first: MB's score, minus a penalty for
    every second the length differs from `duration_ms`."""
    fields = {k: v for k, v in {"recording": title, "artist": artist}.items() if v}
    data = _call(musicbrainzngs.search_recordings, limit=limit, **fields)
    matches = _parse(lambda: [_recording_match(r, 0) for r in data.get("recording-list", [])])
    return sorted(matches, key=lambda m: -rank_score(m, duration_ms))


def get_release(release_id: str) -> ReleaseInfo:
    """A release with its group, credits and full track list (discs, positions, ISRCs)."""
    data = _call(musicbrainzngs.get_release_by_id, release_id, includes=RELEASE_INCLUDES)
    return _parse(lambda: _release_info(data["release"]))


def get_release_group(release_group_id: str) -> ReleaseGroupInfo:
    data = _call(musicbrainzngs.get_release_group_by_id, release_group_id, includes=["artists"])
    return _parse(lambda: _release_group_info(data["release-group"]))


def lookup_track(
    artist: str,
    title: str,
    duration_ms: int | None = None,
    isrc: str | None = None,
    album: str | None = None,
) -> TrackMetadata | None:
    """Identify a track on MusicBrainz and describe it; None when nothing matches well enough.

    A valid ISRC is tried first, then a search by artist and title. Of the recording's
    releases, the one titled `album` wins, then official albums over other types, then the
    earliest. Costs two to three requests (one per second by default).
    """
    match: RecordingMatch | None = None
    matched_by: Literal["isrc", "search"] = "isrc"
    code = normalize_isrc(isrc or "")
    if ISRC_RE.match(code):
        match = _match_by_isrc(code, title, duration_ms)
    if match is None:
        matched_by = "search"
        match = _match_by_search(artist, title, duration_ms)
    if match is None:
        return None
    chosen = choose_release(match.releases, album)
    release = get_release(chosen.id) if chosen else None
    return _track_metadata(match, release, matched_by)


# -- choosing ----------------------------------------------------------------------------------


def normalize_isrc(isrc: str) -> str:
    return re.sub(r"[\s-]", "", isrc).upper()


def rank_score(match: RecordingMatch, duration_ms: int | None) -> float:
    """Search score adjusted for length: -1 per second of difference (at most -30)."""
    if duration_ms is None:
        return match.score
    if match.length_ms is None:
        return match.score - 10
    return match.score - min(abs(match.length_ms - duration_ms) / 1000, 30)


def choose_release(
    releases: Sequence[ReleaseSummary], album: str | None = None
) -> ReleaseSummary | None:
    """Pick the release to tag from: matching album title, official, album type, earliest."""

    def key(release: ReleaseSummary) -> tuple[int, int, int, str]:
        official = (release.status or "").casefold() == "official"
        return (
            _title_rank(release.title, album),
            0 if official else 1,
            _type_rank(release),
            release.date or "9999",
        )

    return min(releases, key=key, default=None)


def _title_rank(title: str, album: str | None) -> int:
    if not album:
        return 0
    if _fold(title) == _fold(album):
        return 0
    return 1 if SequenceMatcher(None, _fold(title), _fold(album)).ratio() >= 0.8 else 2


def _type_rank(release: ReleaseSummary) -> int:
    primary = (release.primary_type or "").casefold()
    if primary == "album":
        return 0 if not release.secondary_types else 4  # compilations, live albums last
    return {"ep": 1, "single": 2, "": 3}.get(primary, 5)


def _match_by_isrc(isrc: str, title: str, duration_ms: int | None) -> RecordingMatch | None:
    recordings = recording_by_isrc(isrc)
    if not recordings:
        return None
    # One ISRC can sit on several recordings (MB data errors); take the most similar one.
    similarity = {
        r.id: SequenceMatcher(None, _fold(r.title), _fold(title)).ratio() for r in recordings
    }
    best = max(recordings, key=lambda r: (similarity[r.id], rank_score(r, duration_ms)))
    gap = abs(best.length_ms - duration_ms) if best.length_ms and duration_ms else 0
    if similarity[best.id] < 0.5 and gap > MAX_LENGTH_GAP_MS:
        return None  # an ISRC filed on the wrong song; the search will do better
    return _with_release_types(best)


def _with_release_types(match: RecordingMatch) -> RecordingMatch:
    """ISRC lookups list releases without their type; a search by recording id has it."""
    data = _call(musicbrainzngs.search_recordings, rid=match.id, limit=1)
    found = _parse(lambda: [_recording_match(r, 100) for r in data.get("recording-list", [])])
    same = next((m for m in found if m.id == match.id and m.releases), None)
    if same is None:  # the search index lags behind edits; keep what the lookup said
        return match
    return dataclasses.replace(match, releases=same.releases)


def _match_by_search(artist: str, title: str, duration_ms: int | None) -> RecordingMatch | None:
    for match in search_recording(artist, title, duration_ms):
        if match.score < MIN_SEARCH_SCORE:
            continue
        gap = abs(match.length_ms - duration_ms) if match.length_ms and duration_ms else 0
        if gap <= MAX_LENGTH_GAP_MS:
            return match
    return None


def _track_metadata(
    match: RecordingMatch, release: ReleaseInfo | None, matched_by: Literal["isrc", "search"]
) -> TrackMetadata:
    common = {
        "recording_id": match.id,
        "title": match.title,
        "artist": match.artist,
        "artist_ids": match.artist_ids,
        "length_ms": match.length_ms,
        "isrcs": match.isrcs,
        "matched_by": matched_by,
        "score": match.score,
    }
    if release is None:
        return TrackMetadata(**common)
    medium, track = release.find_recording(match.id) or (None, None)
    return TrackMetadata(
        **common,
        release_id=release.id,
        release_group_id=release.release_group_id,
        album=release.title,
        album_artist=release.artist,
        album_artist_ids=release.artist_ids,
        date=release.date,
        year=release.year,
        track_number=track.position if track else None,
        track_total=len(medium.tracks) if medium else None,
        disc_number=medium.position if medium else None,
        disc_total=release.disc_count,
        release_type=release.primary_type,
        release_secondary_types=release.secondary_types,
        release_status=release.status,
    )


# -- parsing musicbrainzngs' dicts (all values are strings) ------------------------------------


def _parse(build: Callable[[], T]) -> T:
    """Run a dict-to-dataclass conversion; a missing key means MB sent something unexpected."""
    try:
        return build()
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise MusicBrainzUnavailable(f"unexpected MusicBrainz response shape: {exc!r}") from exc


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _credit(raw: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    names = raw.get("artist-credit", [])
    ids = tuple(c["artist"]["id"] for c in names if isinstance(c, dict) and "artist" in c)
    return raw.get("artist-credit-phrase", ""), ids


def _group_types(group: dict[str, Any]) -> tuple[str | None, tuple[str, ...]]:
    secondary = tuple(group.get("secondary-type-list", []))
    # Old-style answers only carry a `type` attribute, which is the primary type if no secondary.
    primary = group.get("primary-type") or (None if secondary else group.get("type"))
    return primary, secondary


def _release_summary(raw: dict[str, Any]) -> ReleaseSummary:
    primary, secondary = _group_types(raw.get("release-group", {}))
    media = raw.get("medium-list", [])
    tracks = media[0].get("track-list", []) if media else []
    return ReleaseSummary(
        id=raw["id"],
        title=raw.get("title", ""),
        status=raw.get("status"),
        date=raw.get("date"),
        country=raw.get("country"),
        release_group_id=raw.get("release-group", {}).get("id"),
        primary_type=primary,
        secondary_types=secondary,
        disc_number=_int(media[0].get("position")) if media else None,
        track_number=tracks[0].get("number") if tracks else None,
    )


def _recording_match(raw: dict[str, Any], default_score: int) -> RecordingMatch:
    artist, artist_ids = _credit(raw)
    return RecordingMatch(
        id=raw["id"],
        title=raw.get("title", ""),
        length_ms=_int(raw.get("length")),
        artist=artist,
        artist_ids=artist_ids,
        score=_int(raw.get("ext:score")) or default_score,
        isrcs=tuple(raw.get("isrc-list", [])),
        releases=tuple(_release_summary(r) for r in raw.get("release-list", [])),
    )


def _release_track(raw: dict[str, Any]) -> ReleaseTrack:
    recording = raw.get("recording", {})
    artist, artist_ids = _credit(raw)
    return ReleaseTrack(
        id=raw.get("id"),
        position=int(raw["position"]),
        number=raw.get("number", raw["position"]),
        title=raw.get("title") or recording.get("title", ""),
        length_ms=_int(raw.get("track_or_recording_length")),
        recording_id=recording["id"],
        artist=artist,
        artist_ids=artist_ids,
        isrcs=tuple(recording.get("isrc-list", [])),
    )


def _release_info(raw: dict[str, Any]) -> ReleaseInfo:
    group = raw.get("release-group", {})
    primary, secondary = _group_types(group)
    artist, artist_ids = _credit(raw)
    date = raw.get("date") or None
    media = tuple(
        Medium(
            position=_int(m.get("position")) or index,
            format=m.get("format"),
            title=m.get("title"),
            tracks=tuple(_release_track(t) for t in m.get("track-list", [])),
        )
        for index, m in enumerate(raw.get("medium-list", []), start=1)
    )
    return ReleaseInfo(
        id=raw["id"],
        title=raw.get("title", ""),
        status=raw.get("status"),
        date=date,
        year=_int(date[:4]) if date else None,
        country=raw.get("country"),
        artist=artist,
        artist_ids=artist_ids,
        release_group_id=group.get("id"),
        primary_type=primary,
        secondary_types=secondary,
        media=media,
    )


def _release_group_info(raw: dict[str, Any]) -> ReleaseGroupInfo:
    primary, secondary = _group_types(raw)
    artist, artist_ids = _credit(raw)
    return ReleaseGroupInfo(
        id=raw["id"],
        title=raw.get("title", ""),
        primary_type=primary,
        secondary_types=secondary,
        first_release_date=raw.get("first-release-date") or None,
        artist=artist,
        artist_ids=artist_ids,
    )


def _fold(text: str | None) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", (text or "").casefold()).split())


# -- transport -------------------------------------------------------------------------------


def _call(function: Callable[..., dict[str, Any]], *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Call a musicbrainzngs function with SoulSpot's settings and typed errors."""
    require_enabled(MusicBrainzUnavailable)
    _configure()
    attempts_left = max(1, int(settings.MUSICBRAINZ_MAX_ATTEMPTS))
    interval = float(settings.MUSICBRAINZ_RATE_LIMIT_SECONDS)
    while True:
        attempts_left -= 1
        _rate_limiter.wait(interval)
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
    musicbrainzngs.set_rate_limit(False)  # our RateLimiter paces requests instead
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


# MusicBrainz allows about one request per second per IP, counted across all our threads.
_rate_limiter = RateLimiter()


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
