"""The fields the engine manages, per kind, and how each maps onto the catalogue's columns.

A value is JSON: text, a whole number, or a list of texts. Empty ("", None, []) means "this
source offers nothing for the field".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from library.models import Album, Artist, Kind, Track

Row = Track | Album | Artist


@dataclass(frozen=True)
class FieldSpec:
    kind: str
    name: str
    type: str  # "text" | "int" | "list" | "date"
    column: str  # the model attribute holding the chosen value
    # A change of words here is the user's call, not the engine's (title, artist, album,
    # date, track number): see `engine.settle`.
    conflicts: bool = False
    max_length: int = 500
    # Reads/writes that are more than one column (the album's artist, the release date).
    read: Callable[[Row], Any] | None = None
    write: Callable[[Row, Any], None] | None = None
    # The columns `write` may change, when more than `column` (saved with update_fields).
    writes: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.writes or (self.column,)

    def get(self, row: Row) -> Any:
        return self.read(row) if self.read else getattr(row, self.column)

    def set(self, row: Row, value: Any) -> None:
        if self.write:
            self.write(row, value)
        else:
            setattr(row, self.column, empty_value(self) if value is None else value)


def empty_value(spec: FieldSpec) -> Any:
    return {"int": None, "list": []}.get(spec.type, "")


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _album_artist(album: Album) -> str:
    return album.artist.name


def _set_album_artist(album: Album, name: str) -> None:
    from library.catalog import artist_named  # catalog imports models only; no cycle at runtime

    if name and name != album.artist.name:
        album.artist = artist_named(name)


def _credit(track: Track) -> str:
    """The display credit; the artist's name when the track has no credit of its own."""
    return track.credit


def _set_credit(track: Track, credit: str) -> None:
    """The display credit; a credit that no longer names the track's artist re-points the
    track to the credit's main artist ("B feat. X" → artist B)."""
    from library import normalize
    from library.catalog import artist_named

    track.artist_credit = credit
    main = normalize.split_featured(credit, artist=True)[0]
    if main and normalize.fold(track.artist.name) not in normalize.fold(credit):
        track.artist = artist_named(main)


def _release_date(album: Album) -> str:
    """The release date, or the year alone for an album known before dates were kept."""
    return album.release_date or (str(album.year) if album.year else "")


def _set_release_date(album: Album, date: str) -> None:
    album.release_date = date or ""
    year = int(date[:4]) if date[:4].isdigit() and 1000 <= int(date[:4]) <= 3000 else None
    album.year = year if date else album.year


def _spec(kind: str, name: str, type: str = "text", **options: Any) -> FieldSpec:
    return FieldSpec(kind=kind, name=name, type=type, column=options.pop("column", name), **options)


T, AL, AR = Kind.TRACK, Kind.ALBUM, Kind.ARTIST
SPECS: dict[str, dict[str, FieldSpec]] = {
    T: {
        s.name: s
        for s in [
            _spec(T, "title", conflicts=True),
            _spec(
                T,
                "artist",
                column="artist_credit",
                conflicts=True,
                max_length=1000,
                read=_credit,
                write=_set_credit,
                writes=("artist_credit", "artist"),
            ),
            _spec(T, "artists", "list"),
            _spec(T, "track_number", "int", conflicts=True),
            _spec(T, "disc_number", "int"),
            _spec(T, "isrc", max_length=12),
            _spec(T, "musicbrainz_recording_id", max_length=36),
            _spec(T, "genres", "list"),
        ]
    },
    AL: {
        s.name: s
        for s in [
            _spec(AL, "title", conflicts=True),
            _spec(
                AL,
                "artist",
                column="artist",
                conflicts=True,
                read=_album_artist,
                write=_set_album_artist,
            ),
            _spec(
                AL,
                "date",
                "date",
                column="release_date",
                conflicts=True,
                read=_release_date,
                write=_set_release_date,
                writes=("release_date", "year"),
            ),
            _spec(AL, "track_total", "int", column="track_count"),
            _spec(AL, "disc_total", "int", column="disc_count"),
            _spec(AL, "musicbrainz_release_id", max_length=36),
            _spec(AL, "musicbrainz_release_group_id", max_length=36),
            _spec(AL, "label"),
            _spec(AL, "catalog_number", max_length=100),
            _spec(AL, "country", max_length=2),
            _spec(AL, "genres", "list"),
        ]
    },
    AR: {
        s.name: s
        for s in [
            _spec(AR, "name", conflicts=True),
            _spec(AR, "sort_name"),
            _spec(AR, "musicbrainz_id", max_length=36),
            _spec(AR, "genres", "list"),
        ]
    },
}
MODELS: dict[str, type[Row]] = {T: Track, AL: Album, AR: Artist}


def kind_of(row: Row) -> str:
    return {Track: T, Album: AL, Artist: AR}[type(row)]


def spec_for(kind: str, name: str) -> FieldSpec:
    """The field `name` of `kind`; KeyError for a field the engine does not manage."""
    return SPECS[kind][name]


def coerce(spec: FieldSpec, value: Any) -> Any:
    """A source's raw value in the field's shape; None when it offers nothing usable."""
    if value is None:
        return None
    if spec.type == "int":
        try:
            number = int(value)
        except (TypeError, ValueError):
            return None
        return number if 0 < number < 32768 else None
    if spec.type == "list":
        items = value if isinstance(value, list | tuple) else [value]
        texts = [str(v).replace("\x00", "").strip()[: spec.max_length] for v in items]
        unique = list(dict.fromkeys(t for t in texts if t))
        return unique[:20] or None
    text = str(value).replace("\x00", "").strip()[: spec.max_length]
    if spec.type == "date":
        text = text[:10] if _is_date(text[:10]) else ""
    return text or None


def _is_date(text: str) -> bool:
    """ "1995", "1995-10" or "1995-10-03" (what MusicBrainz and tags write)."""
    parts = text.split("-")
    sizes = [4, 2, 2][: len(parts)]
    return (
        1 <= len(parts) <= 3
        and all(p.isdigit() and len(p) == n for p, n in zip(parts, sizes, strict=False))
        and 1000 <= int(parts[0]) <= 3000
    )
