"""The tags a file of a track should carry, from the catalogue's chosen values.

A field the catalogue does not know is kept from the file (a full date in the album's year, a
genre, the ARTISTS list). Placeholder names ("Unknown Artist") and names guessed from folder
names are never written into a file that has no such tag.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection

from library import normalize
from library.models import MetadataSettings, Track
from library.naming.templates import UNKNOWN_ALBUM, UNKNOWN_ARTIST
from library.tagging import TagSet

_PLACEHOLDERS = {UNKNOWN_ARTIST, UNKNOWN_ALBUM}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def catalogue_tags(track: Track, current: TagSet, *, guessed: Collection[str] = ()) -> TagSet:
    """The tags to write for `track`, starting from the file's `current` tags."""
    album = track.album
    tags = dataclasses.replace(current, artists=list(current.artists))
    tags.title = clean(track.title)
    tags.artist, tags.artists = _credit(track, current)
    tags.album = clean(album.title) if album else None
    tags.album_artist = clean(album.artist.name) if album else None
    tags.track_number = track.track_number or current.track_number
    tags.disc_number = track.disc_number or current.disc_number
    tags.disc_total = (album.disc_count if album else None) or current.disc_total
    tags.track_total = _track_total(track, current)
    tags.date = _date(track, current)
    genres = track.genres or (album.genres if album else []) or track.artist.genres
    tags.genre = "; ".join(genres) if genres else current.genre
    tags.isrc = track.isrc or current.isrc
    tags.musicbrainz_recording_id = track.musicbrainz_recording_id or None
    tags.musicbrainz_artist_id = track.artist.musicbrainz_id or None
    tags.spotify_id = track.spotify_id or current.spotify_id
    tags.artist_sort = _sort_name(track.artist.name, track.artist.sort_name) or current.artist_sort
    if album:
        tags.musicbrainz_release_id = album.musicbrainz_release_id or None
        tags.musicbrainz_release_group_id = album.musicbrainz_release_group_id or None
        tags.musicbrainz_album_artist_id = album.artist.musicbrainz_id or None
        tags.label = album.label or current.label
        tags.catalog_number = album.catalog_number or current.catalog_number
        tags.country = album.country or current.country
        tags.album_artist_sort = (
            _sort_name(album.artist.name, album.artist.sort_name) or current.album_artist_sort
        )
    _no_placeholders(tags, current, guessed)
    return tags


def same_tags(current: TagSet, wanted: TagSet) -> bool:
    """Whether the file already says everything `wanted` says (None in `wanted`: no opinion)."""
    for f in dataclasses.fields(TagSet):
        want = getattr(wanted, f.name)
        if want in (None, "", []):
            continue
        have = getattr(current, f.name)
        if f.name == "genre":
            want, have = _genres(want), _genres(have)
        if want != have:
            return False
    return True


def clean(value: str) -> str:
    """Tag text without control characters (NUL splits ID3 values into several)."""
    return _CONTROL.sub("", value).strip()


def _credit(track: Track, current: TagSet) -> tuple[str, list[str]]:
    """The display ARTIST and the ARTISTS list (one value per artist)."""
    credit = clean(track.credit)
    artists = [clean(a) for a in track.artists if clean(a)]
    if not artists and len(current.artists) > 1 and fold(current.primary_artist) == fold(credit):
        # The file credits more artists than the catalogue knows (only the first, e.g. from
        # another file of the track): keep the file's fuller credit.
        artists = list(current.artists)
    joined = fold(credit) in (fold(artists[0]), fold(" ".join(artists))) if artists else False
    if len(artists) > 1 and joined:
        # The display ARTIST joins them the user's way.
        return MetadataSettings.load().artist_separator.join(artists), artists
    if artists:
        return credit, artists
    if fold(current.artist) == fold(credit) and current.artists:
        return credit, list(current.artists)
    return credit, [clean(track.artist.name)] if credit == track.artist.name else []


def _track_total(track: Track, current: TagSet) -> int | None:
    album = track.album
    if album is None or not album.track_count or (album.disc_count or 1) > 1:
        # Album.track_count counts every disc; only a single-disc album's is a track total.
        return current.track_total
    return album.track_count


def _date(track: Track, current: TagSet) -> str | None:
    """The album's release date, unless the file has a more precise one that agrees with it;
    an album year alone is written only when a provider or the user stands behind it."""
    album = track.album
    if album is None:
        return current.date
    if album.release_date:
        precise = current.date or ""
        return precise if precise.startswith(album.release_date) else album.release_date
    if current.date or not album.year:
        return current.date
    known = album.musicbrainz_release_id or album.spotify_id
    return str(album.year) if known else None


def _no_placeholders(tags: TagSet, current: TagSet, guessed: Collection[str]) -> None:
    for name in ("artist", "album_artist", "album"):
        value = getattr(tags, name)
        if not getattr(current, name) and (value in guessed or value in _PLACEHOLDERS):
            setattr(tags, name, None)
    if not tags.artist and not current.artists:
        tags.artists = []


def _genres(value: str | None) -> list[str]:
    return [g.strip() for g in (value or "").split(";") if g.strip()]


def fold(value: str | None) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", (value or "").casefold()).split())


def _sort_name(name: str, known: str) -> str | None:
    """MusicBrainz's sort name when known, else "Beatles, The" for "The Beatles"; None when
    the name sorts as it is (the file's own sort tag, if any, is kept)."""
    if known:
        return known
    derived = normalize.sort_name(name)
    return derived if derived != name else None
