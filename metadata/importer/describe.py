"""What the library says about a track, as the tags to write into its file.

The database is the source for every field it holds (user edits in the admin included); a
field the database does not hold (genre, the ARTISTS list, a full release date) is kept from
the file's own tags. The naming context lives in `library.naming.scheme`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection

from django.conf import settings

from library.models import Album, Track
from library.naming.templates import UNKNOWN_ALBUM, UNKNOWN_ARTIST
from library.tagging import TagSet
from metadata.providers.musicbrainz import TrackMetadata

_PLACEHOLDERS = {UNKNOWN_ARTIST, UNKNOWN_ALBUM}  # what the catalogue names a nameless row
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def tagset_for(
    track: Track,
    current: TagSet,
    meta: TrackMetadata | None = None,
    *,
    guessed: Collection[str] = (),
) -> TagSet:
    """The tags to write for `track`, starting from the file's `current` tags.

    `meta` is what MusicBrainz said during this import; it only supplies details the database
    has no column for (the full date, the per-disc track total) and only when it agrees.
    `guessed`: names the catalogue took from nothing better than folder names (a new entry
    made from an untagged file's path, no provider match); an artist or album the file does not
    carry is not written into it with one of these, nor with a placeholder.
    """
    album = track.album
    credit = _clean(track.credit)
    if len(current.artists) > 1 and _fold(current.primary_artist) == _fold(credit):
        # The file credits more artists than the catalogue (which knows only the first, e.g.
        # from another file of the track): keep the file's fuller credit.
        credit = _clean(current.artist or "") or credit
    tags = dataclasses.replace(current, artists=list(current.artists))
    tags.title = _clean(track.title)
    tags.artist = credit
    if _fold(current.artist) != _fold(credit) or not tags.artists:
        tags.artists = [_clean(track.artist.name)] if credit == track.artist.name else []
    if len(tags.artists) > 1 and _fold(credit) == _fold(" ".join(tags.artists)):
        # ARTISTS keeps one value per artist; the display ARTIST joins them the user's way.
        tags.artist = settings.SOULSPOT_ARTIST_SEPARATOR.join(tags.artists)
    tags.album = _clean(album.title) if album else None
    tags.album_artist = _clean(album.artist.name) if album else None
    tags.track_number = track.track_number or current.track_number
    tags.track_total = _track_total(album, current, meta)
    tags.disc_number = track.disc_number or current.disc_number
    tags.disc_total = (album.disc_count if album else None) or current.disc_total
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
    _no_placeholders(tags, current, guessed)
    return tags


def _no_placeholders(tags: TagSet, current: TagSet, guessed: Collection[str]) -> None:
    """Placeholders ("Unknown Artist") and folder-name guesses belong in folder names only:
    where the file has no such tag, it keeps having none."""
    for name in ("artist", "album_artist", "album"):
        value = getattr(tags, name)
        if not getattr(current, name) and (value in guessed or value in _PLACEHOLDERS):
            setattr(tags, name, None)
    if not tags.artist and not current.artists:
        tags.artists = []


def _track_total(album: Album | None, current: TagSet, meta: TrackMetadata | None) -> int | None:
    if _from_release(album, meta):
        return meta.track_total or current.track_total
    if current.track_total or album is None:
        return current.track_total  # "02/10" keeps its total, album or not
    # Album.track_count counts every disc; only a single-disc album's count is a track total.
    return album.track_count if (album.disc_count or 1) <= 1 else None


def _date(album: Album | None, current: TagSet, meta: TrackMetadata | None) -> str | None:
    """MusicBrainz's release date, else the file's own date exactly as written ("Oct 3, 1995",
    "1995-10-03"). Album.year is often only whatever the album's first file said, so it is not
    written over another file's date; an undated file gets it only when a provider (or the user)
    stands behind the album."""
    release_date = meta.date if _from_release(album, meta) else None
    if release_date and (not album.year or TagSet(date=release_date).year == album.year):
        return release_date  # (an album year the user set and MusicBrainz contradicts wins)
    if current.date or album is None or not album.year:
        return current.date
    known = album.musicbrainz_release_id or album.spotify_id
    return str(album.year) if known else None


def _from_release(album: Album | None, meta: TrackMetadata | None) -> bool:
    """Did MusicBrainz describe this very release during the import?"""
    return bool(
        album and meta and meta.release_id and meta.release_id == album.musicbrainz_release_id
    )


def _clean(value: str) -> str:
    """Tag text without control characters (NUL splits ID3 values into several)."""
    return _CONTROL.sub("", value).strip()


def _fold(value: str | None) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", (value or "").casefold()).split())
