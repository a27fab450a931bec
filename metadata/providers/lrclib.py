"""LRCLIB (lrclib.net) client: synced and plain lyrics. No API key, no published rate limit: our
requests are spaced politely across every process anyway (LRCLIB_RATE_LIMIT_SECONDS).

Uses httpx with SoulSpot's User-Agent, which LRCLIB asks clients to send. Base URL:
settings.LRCLIB_URL. Lookup follows what works for beets: the exact `/api/get` match first
(LRCLIB requires the duration within 2 s), then `/api/search` for the same artist and title,
keeping records within 5 % of the track's length and preferring synced lyrics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings

from metadata.providers import pacing
from metadata.providers.base import (
    NotFound,
    ProviderError,
    ProviderUnavailable,
    http_client,
    is_transient_status,
    require_enabled,
    service_url,
)

PACE_SERVICE = "lrclib"
SEARCH_DURATION_TOLERANCE = 0.05  # share of the track length
MIN_DURATION_TOLERANCE_S = 2.0
_TIMESTAMP = re.compile(r"^\[(\d+):(\d{2}(?:\.\d+)?)\]", re.M)


class LrclibError(ProviderError):
    """LRCLIB gave no usable answer."""


class LrclibUnavailable(LrclibError, ProviderUnavailable):
    """Network trouble, 5xx/429 or a garbled answer: try again later."""


class LrclibNotFound(LrclibError, NotFound):
    """LRCLIB has no such track (only raised internally; get_lyrics returns None)."""


@dataclass(frozen=True)
class Lyrics:
    """Lyrics for one track. `synced` is LRC text (`[mm:ss.xx] line`)."""

    synced: str | None
    plain: str | None
    instrumental: bool
    lrclib_id: int | None = None


def get_lyrics(
    artist: str, title: str, album: str | None = None, duration_ms: int | None = None
) -> Lyrics | None:
    """Lyrics for a track, or None when LRCLIB has none (or only an empty record)."""
    require_enabled(LrclibUnavailable)
    params: dict[str, str | int] = {"artist_name": artist, "track_name": title}
    if album:
        params["album_name"] = album
    if duration_ms:
        params["duration"] = round(duration_ms / 1000)
    with http_client() as client:
        record = _get_record(client, params)
        if record is None:
            candidates = _search(client, {"artist_name": artist, "track_name": title})
            record = best_candidate(candidates, artist, title, duration_ms)
    return to_lyrics(record, duration_ms) if record else None


def _get_record(client: httpx.Client, params: dict[str, str | int]) -> dict[str, Any] | None:
    try:
        data = _get_json(client, "/api/get", params)
    except LrclibNotFound:
        return None
    if not isinstance(data, dict):
        raise LrclibUnavailable("LRCLIB /api/get answered with something other than a record")
    return data


def _search(client: httpx.Client, params: dict[str, str | int]) -> list[dict[str, Any]]:
    try:
        data = _get_json(client, "/api/search", params)
    except LrclibNotFound:
        return []
    if not isinstance(data, list):
        raise LrclibUnavailable("LRCLIB /api/search answered with something other than a list")
    return [item for item in data if isinstance(item, dict)]


def _get_json(client: httpx.Client, path: str, params: dict[str, str | int]) -> Any:
    url = f"{service_url(settings.LRCLIB_URL)}{path}"
    pacing.wait_for_slot(PACE_SERVICE, float(settings.LRCLIB_RATE_LIMIT_SECONDS))
    try:
        response = client.get(url, params=params)
    except httpx.HTTPError as exc:
        raise LrclibUnavailable(f"could not reach LRCLIB: {exc}") from exc
    if response.status_code == 404:
        raise LrclibNotFound(_problem_message(response))
    if is_transient_status(response.status_code):
        raise LrclibUnavailable(f"LRCLIB answered HTTP {response.status_code}")
    if not response.is_success:
        raise LrclibError(f"LRCLIB refused {path}: {_problem_message(response)}")
    try:
        return response.json()
    except ValueError as exc:
        raise LrclibUnavailable(f"LRCLIB sent malformed JSON for {path}") from exc


def _problem_message(response: httpx.Response) -> str:
    """LRCLIB errors are {"name", "message", "statusCode"|"code"}; fall back to the status."""
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(body, dict) and body.get("message"):
        return f"{body.get('name', 'Error')}: {body['message']}"
    return f"HTTP {response.status_code}"


def best_candidate(
    records: list[dict[str, Any]], artist: str, title: str, duration_ms: int | None
) -> dict[str, Any] | None:
    """The search record for this artist and title closest in length, synced lyrics first."""
    seconds = duration_ms / 1000 if duration_ms else None
    fitting = [
        r
        for r in records
        if _same(r.get("artistName"), artist)
        and _same(r.get("trackName"), title)
        and _has_content(r)
        and _duration_fits(r.get("duration"), seconds)
    ]

    def rank(record: dict[str, Any]) -> tuple[bool, float]:
        gap = abs(_number(record.get("duration")) - seconds) if seconds else 0.0
        return (not _text(record.get("syncedLyrics")), gap)

    return min(fitting, key=rank, default=None)


def to_lyrics(record: dict[str, Any], duration_ms: int | None = None) -> Lyrics | None:
    """Turn an LRCLIB record into Lyrics; None when it carries nothing usable."""
    if not _has_content(record):
        return None
    synced = _text(record.get("syncedLyrics"))
    if synced and duration_ms and _last_timestamp_s(synced) > duration_ms / 1000 + 2:
        # Timed for a longer version of the song; the timings would drift, the words are fine.
        synced = None
    record_id = record.get("id")
    return Lyrics(
        synced=synced,
        plain=_text(record.get("plainLyrics")),
        instrumental=bool(record.get("instrumental")),
        lrclib_id=record_id if isinstance(record_id, int) else None,
    )


def _has_content(record: dict[str, Any]) -> bool:
    # LRCLIB has records with neither lyrics nor the instrumental flag; they are no answer.
    return bool(
        record.get("instrumental")
        or _text(record.get("syncedLyrics"))
        or _text(record.get("plainLyrics"))
    )


def _duration_fits(value: object, seconds: float | None) -> bool:
    if seconds is None:
        return True
    if not isinstance(value, int | float):
        return False
    tolerance = max(MIN_DURATION_TOLERANCE_S, seconds * SEARCH_DURATION_TOLERANCE)
    return abs(value - seconds) <= tolerance


def _last_timestamp_s(synced: str) -> float:
    stamps = _TIMESTAMP.findall(synced)
    return max((int(m) * 60 + float(s) for m, s in stamps), default=0.0)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _same(a: object, b: str) -> bool:
    return isinstance(a, str) and _fold(a) == _fold(b)


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())
