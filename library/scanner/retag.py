"""Write the catalogue's view of a track into its files' tags (admin "re-tag" action)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from library.models import Track, TrackFile
from library.naming.templates import UNKNOWN_ALBUM, UNKNOWN_ARTIST
from library.scanner.failures import FailedFile
from library.tagging import TaggingError, TagSet, read_tags, write_tags

# Names the catalogue gives rows it knows no name for: folder names only, never tags (an empty
# value leaves the file's own tag alone).
_PLACEHOLDERS = {UNKNOWN_ARTIST, UNKNOWN_ALBUM}


@dataclass
class RetagResult:
    written: list[int] = field(default_factory=list)
    failed: list[FailedFile] = field(default_factory=list)


def tagset_for(track: Track, current: TagSet | None = None) -> TagSet:
    """The tags a file of `track` should carry, from the database (empty values left out).

    `current` is what the file says now: a full date ("1995-10-03") in the album's year is
    kept rather than cut down to the year.
    """
    album = track.album
    current = current or TagSet()
    date = str(album.year) if album and album.year else None
    if date and current.year == album.year:
        date = current.date
    return TagSet(
        title=track.title,
        artist=_named(track.credit),
        album=_named(album.title) if album else None,
        album_artist=_named(album.artist.name) if album else None,
        track_number=track.track_number,
        track_total=album.track_count if album else None,
        disc_number=track.disc_number,
        disc_total=album.disc_count if album else None,
        date=date,
        isrc=track.isrc or None,
        musicbrainz_recording_id=track.musicbrainz_recording_id or None,
        musicbrainz_release_id=(album.musicbrainz_release_id if album else "") or None,
        musicbrainz_release_group_id=(album.musicbrainz_release_group_id if album else "") or None,
        musicbrainz_artist_id=track.artist.musicbrainz_id or None,
        musicbrainz_album_artist_id=(album.artist.musicbrainz_id if album else "") or None,
        spotify_id=track.spotify_id or None,
    )


def retag_files(file_ids: list[int]) -> RetagResult:
    """Write tags into healthy, present, linked files; other tags in the files are kept."""
    result = RetagResult()
    files = (
        TrackFile.objects.healthy()
        .filter(pk__in=file_ids, track__isnull=False)
        .select_related("track__artist", "track__album__artist")
    )
    for file in files:
        try:
            current = read_tags(Path(file.path))
            write_tags(Path(file.path), tagset_for(file.track, current), clear_missing=False)
        except (TaggingError, OSError) as exc:
            result.failed.append(FailedFile(file.pk, file.path, str(exc)))
        else:
            result.written.append(file.pk)
    return result


def _named(name: str) -> str | None:
    return None if name in _PLACEHOLDERS else name or None
