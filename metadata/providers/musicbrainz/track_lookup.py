"""Which recording and release a track is: `lookup_track` and the choices it makes."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Literal

from metadata.providers.musicbrainz.lookups import (
    get_release,
    normalize_isrc,
    rank_score,
    recording_by_isrc,
    search_recording,
    search_recording_id,
)
from metadata.providers.musicbrainz.parsing import fold
from metadata.providers.musicbrainz.shapes import (
    RecordingMatch,
    ReleaseInfo,
    ReleaseSummary,
    TrackMetadata,
)

ISRC_RE = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$")
MIN_SEARCH_SCORE = 80  # MusicBrainz ext:score below this is usually a different song
MAX_LENGTH_GAP_MS = 15_000  # a longer gap means another version (live, extended mix)


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
    if fold(title) == fold(album):
        return 0
    return 1 if SequenceMatcher(None, fold(title), fold(album)).ratio() >= 0.8 else 2


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
        r.id: SequenceMatcher(None, fold(r.title), fold(title)).ratio() for r in recordings
    }
    best = max(recordings, key=lambda r: (similarity[r.id], rank_score(r, duration_ms)))
    gap = abs(best.length_ms - duration_ms) if best.length_ms and duration_ms else 0
    if similarity[best.id] < 0.5 and gap > MAX_LENGTH_GAP_MS:
        return None  # an ISRC filed on the wrong song; the search will do better
    return _with_release_types(best)


def _with_release_types(match: RecordingMatch) -> RecordingMatch:
    """ISRC lookups list releases without their type; a search by recording id has it."""
    found = search_recording_id(match.id)
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
