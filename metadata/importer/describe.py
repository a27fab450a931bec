"""What the library says about a track, as tags and as a naming context.

The database is the source for every field it holds (user edits in the admin included); a
field the database does not hold (genre, the ARTISTS list, a full release date) is kept from
the file's own tags.
"""

from __future__ import annotations

import dataclasses
import re

from library.models import Album, Track
from library.naming import NamingContext
from library.quality import QUALITIES
from library.tagging import TagSet
from metadata.providers.musicbrainz import TrackMetadata

VARIOUS_ARTISTS_MBID = "89ad4ac3-39f7-470e-963a-56509c546377"
_VARIOUS_NAMES = {"various artists", "various", "va"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def is_various_artists(album: Album | None) -> bool:
    if album is None:
        return False
    artist = album.artist
    return (
        artist.musicbrainz_id == VARIOUS_ARTISTS_MBID
        or artist.name.strip().casefold() in _VARIOUS_NAMES
    )


def naming_context(
    track: Track, *, extension: str, quality_key: str | None = None, original_filename: str = ""
) -> NamingContext:
    """Everything a naming template can refer to, for one file of `track`."""
    album = track.album
    folder_artist = album.artist if album else track.artist
    return NamingContext(
        artist_name=folder_artist.name,
        artist_sort_name=folder_artist.sort_name,
        album_title=album.title if album else "",
        album_type=album.get_release_type_display() if album else "",
        release_year=album.year if album else None,
        track_title=track.title,
        track_artist_name=track.credit,
        track_number=track.track_number,
        disc_number=track.disc_number,
        disc_count=album.disc_count if album else None,
        quality_title=QUALITIES.get(quality_key or "", ""),
        original_filename=original_filename,
        extension=extension,
        artist_mbid=folder_artist.musicbrainz_id,
        album_mbid=album.musicbrainz_release_id if album else "",
        is_various_artists=is_various_artists(album),
    )


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
