"""Link a batch of scanned files to Artist/Album/Track rows, creating what is missing, in bulk.

The same rules as `library.catalog` (names match case-insensitively, ISRC first), but for a
whole batch in a handful of queries instead of several per file: a first scan of a large
library would otherwise spend its time in the database, not reading files.

Track identity, in order: ISRC, MusicBrainz recording id, (artist, album, disc, number,
title), then a track of that artist and title that has no album yet (a want added by name).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from library.models import Album, Artist, Track
from library.scanner import sql
from library.scanner.identity import FileIdentity, fold

_TRACK_FIELDS = (
    "id",
    "artist_id",
    "album_id",
    "title",
    "disc_number",
    "track_number",
    "isrc",
    "musicbrainz_recording_id",
    "duration_ms",
    "spotify_id",
)
_ALBUM_FILLS = (
    "year",
    "musicbrainz_release_id",
    "musicbrainz_release_group_id",
    "track_count",
    "disc_count",
)


@dataclass
class _TrackIndex:
    """Tracks of the batch's artists (plus ISRC/MBID matches), keyed every way we match."""

    rows: dict[int, Track | _NewTrack] = field(default_factory=dict)
    by_isrc: dict[str, int] = field(default_factory=dict)
    by_mbid: dict[str, int] = field(default_factory=dict)
    by_slot: dict[tuple, int] = field(default_factory=dict)
    loose: dict[tuple[int, str], int] = field(default_factory=dict)

    def add(self, track: Track | _NewTrack) -> None:
        self.rows[track.pk] = track
        if track.isrc:
            self.by_isrc.setdefault(track.isrc, track.pk)
        if track.musicbrainz_recording_id:
            self.by_mbid.setdefault(track.musicbrainz_recording_id, track.pk)
        key = (track.artist_id, track.album_id, track.disc_number, track.track_number)
        self.by_slot.setdefault((*key, fold(track.title)), track.pk)
        if track.album_id is None:
            self.loose.setdefault((track.artist_id, fold(track.title)), track.pk)

    def find(self, ident: FileIdentity, artist_id: int, album_id: int | None) -> int | None:
        title = fold(ident.title)
        slot = (artist_id, album_id, ident.disc_number, ident.track_number, title)
        return (
            (ident.isrc and self.by_isrc.get(ident.isrc))
            or (ident.recording_id and self.by_mbid.get(ident.recording_id))
            or self.by_slot.get(slot)
            or self.loose.get((artist_id, title))
            or None
        )


class CatalogueLinker:
    """Finds or creates catalogue rows for scanned files; one instance per scan run."""

    def __init__(self) -> None:
        self._artists: dict[str, int] | None = None

    def link(self, idents: dict[str, FileIdentity], healthy: set[str]) -> dict[str, int]:
        """Track id per path for `idents`; tracks of `healthy` paths become owned."""
        if not idents:
            return {}
        artists = self._artist_ids(
            {i.artist for i in idents.values()} | {i.album_artist for i in idents.values()}
        )
        albums = self._album_ids(idents.values(), artists)
        track_ids = self._track_ids(idents, artists, albums)
        owned = {track_ids[path] for path in healthy if path in track_ids}
        not_owned = [Track.Status.KNOWN, Track.Status.WANTED]
        Track.objects.filter(pk__in=owned, status__in=not_owned).update(status=Track.Status.OWNED)
        return track_ids

    # -- artists -------------------------------------------------------------------------------

    def _artist_ids(self, names: set[str]) -> dict[str, int]:
        if self._artists is None:
            self._artists = {}
            for pk, name in Artist.objects.order_by("pk").values_list("pk", "name"):
                self._artists.setdefault(fold(name), pk)
        missing = {fold(n): n for n in names if fold(n) not in self._artists}
        if missing:
            # Someone (the importer) may have created some of them since the cache was filled.
            found = Artist.objects.filter(name__in=missing.values()).values_list("pk", "name")
            for pk, name in found:
                self._artists.setdefault(fold(name), pk)
            new = [Artist(name=n) for key, n in missing.items() if key not in self._artists]
            for artist in Artist.objects.bulk_create(new):
                self._artists[fold(artist.name)] = artist.pk
        return {name: self._artists[fold(name)] for name in names}

    # -- albums --------------------------------------------------------------------------------

    def _album_ids(
        self, idents: Iterable[FileIdentity], artists: dict[str, int]
    ) -> dict[tuple[int, str], int]:
        wanted = {(artists[i.album_artist], fold(i.album)): i for i in idents if i.album}
        existing: dict[tuple[int, str], Album] = {}
        artist_ids = {key[0] for key in wanted}
        for album in Album.objects.filter(artist_id__in=artist_ids).order_by("pk"):
            existing.setdefault((album.artist_id, fold(album.title)), album)
        new = [_new_album(key[0], ident) for key, ident in wanted.items() if key not in existing]
        for album in Album.objects.bulk_create(new):
            existing[(album.artist_id, fold(album.title))] = album
        _fill_albums(existing, wanted)
        return {key: album.pk for key, album in existing.items()}

    # -- tracks --------------------------------------------------------------------------------

    def _track_ids(
        self,
        idents: dict[str, FileIdentity],
        artists: dict[str, int],
        albums: dict[tuple[int, str], int],
    ) -> dict[str, int]:
        index = _load_tracks(idents.values(), artists)
        matched: dict[str, int] = {}
        new: list[Track] = []
        changed: set[int] = set()
        for path, ident in idents.items():
            artist_id = artists[ident.artist]
            album_id = albums.get((artists[ident.album_artist], fold(ident.album)))
            track_id = index.find(ident, artist_id, album_id)
            if track_id is None:
                # A negative placeholder id, so later files of this batch match the new track.
                track_id = -len(new) - 1
                new.append(_new_track(ident, artist_id, album_id, track_id))
                index.add(new[-1])
            elif _fill_track(index.rows[track_id], ident, album_id) and track_id > 0:
                changed.add(track_id)
            matched[path] = track_id
        ids = _insert_tracks(new)
        if changed:
            fields = [
                "album",
                "disc_number",
                "track_number",
                "duration_ms",
                "isrc",
                "musicbrainz_recording_id",
                "spotify_id",
            ]
            Track.objects.bulk_update([index.rows[pk] for pk in changed], fields)
        return {path: ids[-pk - 1] if pk < 0 else pk for path, pk in matched.items()}


def _load_tracks(idents: Iterable[FileIdentity], artists: dict[str, int]) -> _TrackIndex:
    idents = list(idents)
    isrcs = {i.isrc for i in idents if i.isrc}
    mbids = {i.recording_id for i in idents if i.recording_id}
    query = Q(artist_id__in={artists[i.artist] for i in idents})
    if isrcs:
        query |= Q(isrc__in=isrcs)
    if mbids:
        query |= Q(musicbrainz_recording_id__in=mbids)
    index = _TrackIndex()
    for track in Track.objects.filter(query).only(*_TRACK_FIELDS).order_by("pk"):
        index.add(track)
    return index


def _new_album(artist_id: int, ident: FileIdentity) -> Album:
    return Album(
        artist_id=artist_id,
        title=ident.album,
        year=ident.year,
        track_count=ident.track_total,
        disc_count=ident.disc_total,
        musicbrainz_release_id=ident.release_id,
        musicbrainz_release_group_id=ident.release_group_id,
    )


def _fill_albums(albums: dict[tuple[int, str], Album], wanted: dict) -> None:
    """Blank album fields the tags know (year, MusicBrainz ids, totals); never overwrites."""
    changed = []
    for key, ident in wanted.items():
        album = albums[key]
        values = (
            ident.year,
            ident.release_id,
            ident.release_group_id,
            ident.track_total,
            ident.disc_total,
        )
        fills = {
            f: v for f, v in zip(_ALBUM_FILLS, values, strict=True) if v and not getattr(album, f)
        }
        if fills and album.pk:
            for name, value in fills.items():
                setattr(album, name, value)
            changed.append(album)
    if changed:
        Album.objects.bulk_update(changed, list(_ALBUM_FILLS))


@dataclass
class _NewTrack:
    """A track to create; it has the attributes of Track that matching and filling use."""

    pk: int
    artist_id: int
    album_id: int | None
    title: str
    artist_credit: str
    disc_number: int | None
    track_number: int | None
    duration_ms: int | None
    isrc: str
    musicbrainz_recording_id: str
    spotify_id: str


def _new_track(ident: FileIdentity, artist_id: int, album_id: int | None, pk: int) -> _NewTrack:
    return _NewTrack(
        pk,
        artist_id,
        album_id,
        ident.title,
        ident.credit if ident.credit != ident.artist else "",
        ident.disc_number,
        ident.track_number,
        ident.duration_ms,
        ident.isrc,
        ident.recording_id,
        ident.spotify_id,
    )


_TRACK_COLUMNS = (
    "created_at",
    "updated_at",
    "status",
    "title",
    "artist_id",
    "artist_credit",
    "album_id",
    "disc_number",
    "track_number",
    "duration_ms",
    "isrc",
    "musicbrainz_recording_id",
    "spotify_id",
)


def _insert_tracks(new: list[_NewTrack]) -> list[int]:
    if not new:
        return []
    now = sql.db_datetime(timezone.now())
    rows = [
        (
            now,
            now,
            Track.Status.KNOWN,
            t.title,
            t.artist_id,
            t.artist_credit,
            t.album_id,
            t.disc_number,
            t.track_number,
            t.duration_ms,
            t.isrc,
            t.musicbrainz_recording_id,
            t.spotify_id,
        )
        for t in new
    ]
    return sql.insert_returning_ids(Track, _TRACK_COLUMNS, rows)


def _fill_track(track: Track | _NewTrack, ident: FileIdentity, album_id: int | None) -> bool:
    """Set blank fields of a matched track from the file; True when something changed."""
    values = {
        "album_id": album_id,
        "disc_number": ident.disc_number,
        "track_number": ident.track_number,
        "duration_ms": ident.duration_ms,
        "isrc": ident.isrc,
        "musicbrainz_recording_id": ident.recording_id,
        "spotify_id": ident.spotify_id,
    }
    fills = {name: value for name, value in values.items() if value and not getattr(track, name)}
    for name, value in fills.items():
        setattr(track, name, value)
    return bool(fills)
