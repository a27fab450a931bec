"""Album completeness, the library's side: which tracks of an album's release are not owned.

The release's track list comes from a `TracklistSource`, chosen per album: Spotify when the
want came from Spotify (the album has a Spotify id), else MusicBrainz (the album's release
id, from the tags or the importer), else the track total in the tags (numbers only). The list
is stored on AlbumCompleteness; what is owned and missing is recomputed locally after every
scan, so the provider is asked again only when a check is due (every 30 days) or requested.
Fetching the list from a provider is `metadata.completeness`; this module records it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from library.models import Album, AlbumCompleteness, Track, TrackFile
from library.scanner.identity import normalize_name

Source = AlbumCompleteness.Source
RECHECK_AFTER = timedelta(days=30)


@dataclass(frozen=True)
class ExpectedTrack:
    disc: int
    number: int
    title: str
    length_ms: int | None = None
    recording_id: str = ""
    isrc: str = ""
    artist: str = ""


@dataclass(frozen=True)
class Tracklist:
    source: str
    release_id: str
    tracks: list[ExpectedTrack]


def tags_tracklist(album: Album) -> Tracklist | None:
    """Numbers 1..N from the tags' track total: no titles, single-disc albums only."""
    if not album.track_count or (album.disc_count or 1) > 1:
        return None
    tracks = [ExpectedTrack(1, number, "") for number in range(1, album.track_count + 1)]
    return Tracklist(Source.TAGS, "", tracks)


def record_tracklist(
    album: Album, tracklist: Tracklist | None, errors: list[str]
) -> AlbumCompleteness:
    """Store what a check found (a track list, or why there is none) and compare with what is
    owned. Without a provider's list, the tags' track total stands in (numbers only)."""
    row, _ = AlbumCompleteness.objects.get_or_create(album=album)
    tracklist = tracklist or (None if row.expected and errors else tags_tracklist(album))
    if tracklist is not None:
        row.source, row.release_id = tracklist.source, tracklist.release_id
        row.expected = [asdict(track) for track in tracklist.tracks]
    elif not row.expected and not errors:
        errors.append("no track list: the album has no MusicBrainz release id or track total")
    row.error = "; ".join(errors)[:500]
    row.checked_at = timezone.now()
    _apply(row, owned_tracks([album.pk]).get(album.pk, []))
    row.save()
    return row


def due_album_ids() -> list[int]:
    stale = timezone.now() - RECHECK_AFTER
    owned = TrackFile.objects.healthy().filter(track__album__isnull=False)
    fresh = Q(completeness__checked_at__gte=stale)
    due = Album.objects.filter(pk__in=owned.values("track__album")).exclude(fresh).order_by("pk")
    return list(due.values_list("pk", flat=True))


def owned_tracks(album_ids: list[int] | None = None) -> dict[int, list[tuple]]:
    """Per album: (recording id, ISRC, disc, number, title) of tracks with a healthy file."""
    tracks = Track.objects.having_files(is_broken=False, is_missing=False)
    tracks = tracks.filter(album__isnull=False)
    if album_ids is not None:
        tracks = tracks.filter(album_id__in=album_ids)
    owned: dict[int, list[tuple]] = {}
    for album_id, *facts in tracks.values_list(
        "album_id", "musicbrainz_recording_id", "isrc", "disc_number", "track_number", "title"
    ):
        owned.setdefault(album_id, []).append(tuple(facts))
    return owned


def recompute_owned() -> int:
    """Refresh owned/missing of every checked album from the catalogue (no network)."""
    owned = owned_tracks()
    changed = []
    for row in AlbumCompleteness.objects.exclude(expected=[]).iterator(chunk_size=2000):
        before = (row.owned_count, row.missing)
        _apply(row, owned.get(row.album_id, []))
        if (row.owned_count, row.missing) != before:
            changed.append(row)
    fields = ["owned_count", "missing", "is_complete", "expected_count"]
    AlbumCompleteness.objects.bulk_update(changed, fields, batch_size=500)
    return len(changed)


def missing_tracks(expected: list[dict], owned: list[tuple]) -> list[dict]:
    """Expected tracks no owned track matches (by recording id, ISRC, title, or number)."""
    recordings = {o[0] for o in owned if o[0]}
    isrcs = {o[1] for o in owned if o[1]}
    slots = {(o[2] or 1, o[3]) for o in owned if o[3]}
    titles = {normalize_name(o[4]) for o in owned}

    def is_owned(track: dict) -> bool:
        if track["recording_id"] in recordings or track["isrc"] in isrcs:
            return True
        if track["title"]:
            return normalize_name(track["title"]) in titles
        return (track["disc"], track["number"]) in slots

    return [track for track in expected if not is_owned(track)]


def _apply(row: AlbumCompleteness, owned: list[tuple]) -> None:
    row.missing = missing_tracks(row.expected, owned)
    row.expected_count = len(row.expected)
    row.owned_count = row.expected_count - len(row.missing)
    row.is_complete = bool(row.expected) and not row.missing
