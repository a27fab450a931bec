"""The MusicBrainz requests SoulSpot makes, one WS/2 call each, answered as `shapes`."""

from __future__ import annotations

import re

import musicbrainzngs

from metadata.providers.musicbrainz.parsing import (
    parse,
    recording_match,
    release_group_info,
    release_info,
)
from metadata.providers.musicbrainz.shapes import (
    RecordingMatch,
    ReleaseGroupInfo,
    ReleaseInfo,
)
from metadata.providers.musicbrainz.transport import MusicBrainzNotFound, call

RELEASE_INCLUDES = [
    "recordings",
    "artists",
    "release-groups",
    "media",
    "isrcs",
    "artist-credits",
    "labels",
]
RECORDING_INCLUDES = ["artists", "isrcs"]
SEARCH_LIMIT = 10


def recording_by_isrc(isrc: str) -> list[RecordingMatch]:
    """Recordings carrying `isrc`; [] when MusicBrainz knows none."""
    code = normalize_isrc(isrc)
    try:
        data = call(
            musicbrainzngs.get_recordings_by_isrc, code, includes=["artists", "releases", "isrcs"]
        )
    except MusicBrainzNotFound:
        return []
    return parse(lambda: [recording_match(r, 100) for r in data["isrc"].get("recording-list", [])])


def search_recording(
    artist: str, title: str, duration_ms: int | None = None, *, limit: int = SEARCH_LIMIT
) -> list[RecordingMatch]:
    """Search recordings by artist and title, best first: MB's score, minus a penalty for
    every second the length differs from `duration_ms`."""
    fields = {k: v for k, v in {"recording": title, "artist": artist}.items() if v}
    data = call(musicbrainzngs.search_recordings, limit=limit, **fields)
    matches = parse(lambda: [recording_match(r, 0) for r in data.get("recording-list", [])])
    return sorted(matches, key=lambda m: -rank_score(m, duration_ms))


def search_recording_id(recording_id: str) -> list[RecordingMatch]:
    """The search index's entry for one recording: unlike an ISRC lookup, it has release types."""
    data = call(musicbrainzngs.search_recordings, rid=recording_id, limit=1)
    return parse(lambda: [recording_match(r, 100) for r in data.get("recording-list", [])])


def get_recording(recording_id: str) -> RecordingMatch:
    """One recording by id, with its credit and ISRCs (MusicBrainzNotFound when there is none).
    Unlike `search_recording_id`, a lookup sees edits the search index has not caught up with."""
    data = call(musicbrainzngs.get_recording_by_id, recording_id, includes=RECORDING_INCLUDES)
    return parse(lambda: recording_match(data["recording"], 100))


def get_release(release_id: str) -> ReleaseInfo:
    """A release with its group, credits and full track list (discs, positions, ISRCs)."""
    data = call(musicbrainzngs.get_release_by_id, release_id, includes=RELEASE_INCLUDES)
    return parse(lambda: release_info(data["release"]))


def get_release_group(release_group_id: str) -> ReleaseGroupInfo:
    data = call(musicbrainzngs.get_release_group_by_id, release_group_id, includes=["artists"])
    return parse(lambda: release_group_info(data["release-group"]))


def normalize_isrc(isrc: str) -> str:
    return re.sub(r"[\s-]", "", isrc).upper()


def rank_score(match: RecordingMatch, duration_ms: int | None) -> float:
    """Search score adjusted for length: -1 per second of difference (at most -30)."""
    if duration_ms is None:
        return match.score
    if match.length_ms is None:
        return match.score - 10
    return match.score - min(abs(match.length_ms - duration_ms) / 1000, 30)
