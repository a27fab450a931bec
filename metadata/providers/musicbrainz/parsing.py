"""musicbrainzngs' dicts (every value a string) turned into `shapes`; a surprise is an outage."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from metadata.providers.musicbrainz.shapes import (
    ArtistHit,
    Medium,
    RecordingMatch,
    ReleaseGroupHit,
    ReleaseGroupInfo,
    ReleaseHit,
    ReleaseInfo,
    ReleaseSummary,
    ReleaseTrack,
)
from metadata.providers.musicbrainz.transport import MusicBrainzUnavailable

T = TypeVar("T")


def parse(build: Callable[[], T]) -> T:
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


def _credited(raw: dict[str, Any], key: str) -> tuple[str, ...]:
    """One value per credited artist: its name as credited ("credited") or its artist's `key`
    ("name", "sort-name")."""
    names = [c for c in raw.get("artist-credit", []) if isinstance(c, dict) and "artist" in c]
    if key == "credited":
        return tuple(c.get("name") or c["artist"].get("name", "") for c in names)
    return tuple(c["artist"].get(key, "") for c in names)


def _label_info(raw: dict[str, Any]) -> tuple[str | None, str | None]:
    """The first label name and the first catalogue number ("[none]" is MB's "no number")."""
    infos = raw.get("label-info-list", [])
    labels = [i["label"].get("name") for i in infos if i.get("label")]
    numbers = [i.get("catalog-number") for i in infos]
    numbers = [n for n in numbers if n and n.casefold() != "[none]"]
    return next((n for n in labels if n), None), next(iter(numbers), None)


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


def recording_match(raw: dict[str, Any], default_score: int) -> RecordingMatch:
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
        artist_names=_credited(raw, "credited"),
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
        artist_names=_credited(raw, "credited"),
    )


def release_info(raw: dict[str, Any]) -> ReleaseInfo:
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
    label, catalog_number = _label_info(raw)
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
        label=label,
        catalog_number=catalog_number,
        artist_names=_credited(raw, "name"),
        artist_sort_names=_credited(raw, "sort-name"),
    )


def release_group_info(raw: dict[str, Any]) -> ReleaseGroupInfo:
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


def artist_hit(raw: dict[str, Any]) -> ArtistHit:
    return ArtistHit(
        id=raw["id"],
        name=raw.get("name", ""),
        sort_name=raw.get("sort-name", ""),
        disambiguation=raw.get("disambiguation", ""),
        type=raw.get("type"),
        country=raw.get("country"),
        score=_int(raw.get("ext:score")) or 0,
    )


def release_group_hit(raw: dict[str, Any]) -> ReleaseGroupHit:
    primary, secondary = _group_types(raw)
    artist, artist_ids = _credit(raw)
    return ReleaseGroupHit(
        id=raw["id"],
        title=raw.get("title", ""),
        disambiguation=raw.get("disambiguation", ""),
        artist=artist,
        artist_ids=artist_ids,
        primary_type=primary,
        secondary_types=secondary,
        first_release_date=raw.get("first-release-date") or None,
        release_count=_int(raw.get("release-count")),
        score=_int(raw.get("ext:score")) or 0,
    )


def release_hit(raw: dict[str, Any], group_id: str | None = None) -> ReleaseHit:
    """A release from a search (its group inline, a total track count) or from a browse of
    `group_id` (track counts per medium)."""
    group = raw.get("release-group", {})
    primary, secondary = _group_types(group)
    artist, artist_ids = _credit(raw)
    media = raw.get("medium-list", [])
    per_medium = [_int(m.get("track-count")) for m in media]
    total = _int(raw.get("medium-track-count")) if "medium-track-count" in raw else None
    if total is None and media and None not in per_medium:
        total = sum(n for n in per_medium if n is not None)
    return ReleaseHit(
        id=raw["id"],
        title=raw.get("title", ""),
        disambiguation=raw.get("disambiguation", ""),
        artist=artist,
        artist_ids=artist_ids,
        status=raw.get("status"),
        date=raw.get("date") or None,
        country=raw.get("country"),
        formats=tuple(m["format"] for m in media if m.get("format")),
        track_count=total,
        release_group_id=group.get("id") or group_id,
        primary_type=primary,
        secondary_types=secondary,
        score=_int(raw.get("ext:score")) or 0,
    )


def fold(text: str | None) -> str:
    """Case, punctuation and spacing folded away, for comparing titles."""
    return " ".join(re.sub(r"[^\w\s]", " ", (text or "").casefold()).split())
