"""What the library says about a track, as the tags to write into its file.

The database is the source for every field it holds (user edits in the admin included); a
field the database does not hold (genre, the ARTISTS list, a full release date) is kept from
the file's own tags. The naming context lives in `library.naming.scheme`.
"""

from __future__ import annotations

import dataclasses
import re

from library.models import Album, Track
from library.tagging import TagSet
from metadata.providers.musicbrainz import TrackMetadata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def tagset_for(track: Track, current: TagSet, meta: TrackMetadata | None = None) -> TagSet:
    """The tags to write for `track`, starting from the file's `current` tags.

    `meta` is what MusicBrainz said during this import; it only supplies details the database
    has no column for (the full date, the per-disc track total) and only when it agrees.
    """
    album = track.album
    credit = _clean(track.credit)
    tags = dataclasses.replace(current, artists=list(current.artists))
    tags.title = _clean(track.title)
    tags.artist = credit
    if _fold(current.artist) != _fold(credit) or not tags.artists:
        tags.artists = [_clean(track.artist.name)] if credit == track.artist.name else []
    tags.album = _clean(album.title) if album else None
    tags.album_artist = _clean(album.artist.name) if album else None
    tags.track_number = track.track_number
    tags.track_total = _track_total(album, current, meta)
    tags.disc_number = track.disc_number
    tags.disc_total = album.disc_count if album else None
    tags.date = _date(album, current, meta)
    tags.isrc = track.isrc or None
    tags.musicbrainz_recording_id = track.musicbrainz_recording_id or None
    tags.musicbrainz_artist_id = track.artist.musicbrainz_id or None
    tags.musicbrainz_release_id = (album.musicbrainz_release_id or None) if album else None
    tags.musicbrainz_release_group_id = (
        (album.musicbrainz_release_group_id or None) if album else None
    )
    tags.musicbrainz_album_artist_id = (album.artist.musicbrainz_id or None) if album else None
    tags.spotify_id = track.spotify_id or None
    return tags


def _track_total(album: Album | None, current: TagSet, meta: TrackMetadata | None) -> int | None:
    if album is None:
        return None
    if meta is not None and meta.release_id and meta.release_id == album.musicbrainz_release_id:
        return meta.track_total
    if (album.disc_count or 1) <= 1:
        return album.track_count
    # Album.track_count counts every disc; a per-disc total only survives from the file.
    return current.track_total


def _date(album: Album | None, current: TagSet, meta: TrackMetadata | None) -> str | None:
    if album is None or not album.year:
        return None
    for candidate in (meta.date if meta else None, current.date):
        if candidate and TagSet(date=candidate).year == album.year:
            return candidate
    return str(album.year)


def _clean(value: str) -> str:
    """Tag text without control characters (NUL splits ID3 values into several)."""
    return _CONTROL.sub("", value).strip()


def _fold(value: str | None) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", (value or "").casefold()).split())
