"""Learning about a track from a source (file tags, MusicBrainz) through the metadata engine.

Each source's values are recorded as its offers (`library.provenance.engine.record`); the
engine chooses per field by authority (Manual > MusicBrainz > Spotify > Last.fm > what the
catalogue held > file tags), so a file's tags fill what is unknown and never overrule a want or
an edit, while MusicBrainz corrects spelling and opens a conflict where it disagrees in words.
Duration and the Spotify id are not managed fields: they only fill blanks.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from library import catalog
from library.models import Album, Artist, Source, Track
from library.provenance import engine
from library.tagging import TagSet
from metadata.providers.musicbrainz import TrackMetadata

_RELEASE_TYPES = {choice.value for choice in Album.ReleaseType}
_SECONDARY_TYPES = {"compilation": "compilation", "live": "live", "soundtrack": "soundtrack"}


def fill_track_from_tags(track: Track, tags: TagSet, *, duration_ms: int | None) -> None:
    """Record what a file the user had says about its track, album and artists."""
    engine.record(
        track,
        Source.FILE_TAGS,
        {
            "title": tags.title,
            "artist": tags.artist,
            "artists": tags.artists if len(tags.artists) > 1 else None,
            "track_number": tags.track_number,
            "disc_number": tags.disc_number,
            "isrc": normalize_isrc(tags.isrc),
            "musicbrainz_recording_id": normalize_mbid(tags.musicbrainz_recording_id),
            "genres": split_genres(tags.genre),
        },
    )
    fill_blanks(track, {"spotify_id": (tags.spotify_id or "")[:64], "duration_ms": duration_ms})
    _record_artist_id(track.artist, tags.musicbrainz_artist_id, Source.FILE_TAGS)
    fill_album_from_tags(track.album, tags)


def fill_album_from_tags(album: Album | None, tags: TagSet) -> None:
    """Record what a file's tags say about its album (and the album artist's id)."""
    if album is None:
        return
    single_disc = (tags.disc_total or 1) <= 1
    engine.record(
        album,
        Source.FILE_TAGS,
        {
            "title": tags.album,
            "artist": tags.album_artist,
            "date": tags.date if _iso_date(tags.date) else tags.year,
            "musicbrainz_release_id": normalize_mbid(tags.musicbrainz_release_id),
            "musicbrainz_release_group_id": normalize_mbid(tags.musicbrainz_release_group_id),
            "track_total": tags.track_total if single_disc else None,
            "disc_total": tags.disc_total,
            "label": tags.label,
            "catalog_number": tags.catalog_number,
            "country": tags.country,
        },
    )
    _record_artist_id(album.artist, tags.musicbrainz_album_artist_id, Source.FILE_TAGS)


def attach_album(track: Track, title: str, *, artist: str = "", year: int | None = None) -> None:
    """Put `track` on the album `title` by `artist` (default: the track's artist) if it has none."""
    if track.album_id is not None or not title.strip():
        return
    album_artist = catalog.artist_named(artist[:500]) if artist.strip() else track.artist
    track.album = catalog.album_named(album_artist, title[:500], year=year)
    Track.objects.filter(pk=track.pk, album__isnull=True).update(album=track.album)


def apply_recording(track: Track, meta: TrackMetadata) -> None:
    """Record MusicBrainz's recording (and, when it is the same release, its album)."""
    fill_blanks(track, {"duration_ms": meta.length_ms})
    if len(meta.artist_ids) == 1:
        _record_artist_id(track.artist, meta.artist_ids[0], Source.MUSICBRAINZ)
    values = {
        "title": meta.title,
        "artist": meta.artist,
        "musicbrainz_recording_id": meta.recording_id,
        "isrc": normalize_isrc(meta.isrcs[0]) if len(meta.isrcs) == 1 else None,
    }
    on_release = _on_release(track, meta)
    if on_release:
        values |= {"track_number": meta.track_number, "disc_number": meta.disc_number}
    engine.record(track, Source.MUSICBRAINZ, values)  # one settle for all the track's fields
    if on_release:
        _fill_album(track.album, meta)


def _on_release(track: Track, meta: TrackMetadata) -> bool:
    """Whether MusicBrainz's release is the track's album (attaching the track to it when it
    has none); another release (a compilation...) has numbers that do not fit."""
    if not meta.release_id or not meta.album:
        return False
    if track.album is None:
        track.album = _album_for_release(meta)
        Track.objects.filter(pk=track.pk, album__isnull=True).update(album=track.album)
    return same_title(track.album.title, meta.album)


def same_title(a: str, b: str) -> bool:
    fa, fb = fold(a), fold(b)
    return fa == fb or SequenceMatcher(None, fa, fb).ratio() >= 0.85


def fold(text: str | None) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", (text or "").casefold()).split())


def _album_for_release(meta: TrackMetadata) -> Album:
    existing = Album.objects.select_related("artist").filter(musicbrainz_release_id=meta.release_id)
    album = existing.order_by("pk").first()
    if album is None:
        artist = catalog.artist_named((meta.album_artist or meta.artist)[:500])
        album = catalog.album_named(artist, meta.album[:500], year=meta.year)
    return album


def _fill_album(album: Album, meta: TrackMetadata) -> None:
    first_time = not album.musicbrainz_release_id
    single_disc = (meta.disc_total or 1) <= 1
    engine.record(
        album,
        Source.MUSICBRAINZ,
        {
            "title": meta.album,
            "artist": meta.album_artist,
            "date": meta.date or meta.year,
            "musicbrainz_release_id": meta.release_id,
            "musicbrainz_release_group_id": meta.release_group_id,
            "track_total": meta.track_total if single_disc else None,
            "disc_total": meta.disc_total,
        },
    )
    release_type = _release_type(meta)
    if first_time and release_type and album.release_type != release_type:
        # Until MusicBrainz spoke, the type was only our default guess.
        Album.objects.filter(pk=album.pk).update(release_type=release_type)
        album.release_type = release_type
    if len(meta.album_artist_ids) == 1:
        _record_artist_id(album.artist, meta.album_artist_ids[0], Source.MUSICBRAINZ)


def _record_artist_id(artist: Artist, mbid: str | None, source: str) -> None:
    mbid = normalize_mbid(mbid)
    if mbid:
        engine.record(artist, source, {"musicbrainz_id": mbid})


def split_genres(text: str | None) -> list[str] | None:
    """ "Rock; Pop" → ["Rock", "Pop"] (how tags with several genres read)."""
    genres = [g.strip() for g in re.split(r"[;/]", text or "") if g.strip()]
    return genres or None


def _iso_date(text: str | None) -> bool:
    return bool(re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", (text or "").strip()))


def _release_type(meta: TrackMetadata) -> str | None:
    for secondary in meta.release_secondary_types:
        if secondary.casefold() in _SECONDARY_TYPES:
            return _SECONDARY_TYPES[secondary.casefold()]
    primary = (meta.release_type or "").casefold()
    return primary if primary in _RELEASE_TYPES else None


def fill_blanks(row: Track | Album | Artist, values: dict[str, object]) -> None:
    """Set the fields of `row` that are empty, in one UPDATE of only those fields."""
    blanks = {
        name: value
        for name, value in values.items()
        if value not in (None, "") and getattr(row, name) in (None, "")
    }
    if not blanks:
        return
    for name, value in blanks.items():
        setattr(row, name, value)
    type(row).objects.filter(pk=row.pk).update(**blanks)


def normalize_isrc(value: str | None) -> str:
    code = re.sub(r"[\s-]", "", value or "").upper()
    return code if re.fullmatch(r"[A-Z]{2}[A-Z0-9]{3}[0-9]{7}", code) else ""


def normalize_mbid(value: str | None) -> str:
    text = (value or "").strip().lower()
    return text if re.fullmatch(r"[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}", text) else ""
