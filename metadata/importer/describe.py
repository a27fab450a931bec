"""What the library says about a track, as the tags to write into its file.

The database is the source for every field it holds (user edits in the admin included); a
field the database does not hold (genre, the ARTISTS list, a full release date) is kept from
the file's own tags. The naming context lives in `library.naming.scheme`.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from library.models import Album, Track
from library.naming.templates import UNKNOWN_ALBUM, UNKNOWN_ARTIST
from library.provenance.tags import catalogue_tags
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
    """The tags to write for `track`, starting from the file's `current` tags: the
    catalogue's chosen values (`library.provenance.tags.catalogue_tags`, the one description
    every writer uses). `meta` is no longer needed: what MusicBrainz said is in the catalogue."""
    return catalogue_tags(track, current, guessed=guessed)


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
