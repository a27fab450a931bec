"""What a scanned file says it is: artist, album and title from its tags, else from its path.

Pure functions over the reader's `FileReading`s, shared by the catalogue linker and the tests.
A file with no usable tags still gets an identity from the usual "Artist/Album/01 - Title.ext"
layout, so even an unreadable file can be linked to a Track and re-downloaded.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from library.scanner.reader import FileReading

UNKNOWN_ARTIST = "Unknown Artist"
_LEADING_NUMBER = re.compile(r"^\s*(?:(\d{1,2})[-.])?(\d{1,3})\s*(?:[-._)]\s*|\s+)")
_MBID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}\d{7}$")
_SMALLINT_MAX = 32767


@dataclass(frozen=True)
class FileIdentity:
    artist: str
    credit: str
    album_artist: str
    album: str
    title: str
    disc_number: int | None = None
    track_number: int | None = None
    disc_total: int | None = None
    track_total: int | None = None
    year: int | None = None
    duration_ms: int | None = None
    isrc: str = ""
    recording_id: str = ""
    release_id: str = ""
    release_group_id: str = ""
    artist_mbid: str = ""
    spotify_id: str = ""


def fold(text: str | None) -> str:
    """Case- and space-insensitive key for names ("The  XX" and "the xx" are one)."""
    return " ".join((text or "").casefold().split())


def normalize_name(text: str | None) -> str:
    """Looser key for duplicate detection: also drops accents, punctuation and a leading "the"."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    words = re.sub(r"[^\w\s]", " ", text).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def identity_of(result: FileReading, root: str) -> FileIdentity:
    """The identity of one reader result; `root` is the folder the layout guess starts from."""
    tags = result.tags
    artist = _text(tags.artist, 500)
    album = _text(tags.album, 500)
    title = _text(tags.title, 500)
    number = _small(tags.track_number)
    if not (artist and album and title and number):  # well-tagged files skip the guesswork
        guess = guess_from_path(result.path, root)
        artist, album = artist or guess["artist"], album or guess["album"]
        title, number = title or guess["title"], number or guess["number"]
    # The tags' own primary artist when they name one; else the credit (maybe guessed) split
    # the same way. The importer uses TagSet.primary_artist too, so both agree.
    tagged = tags.primary_artist if tags.artist else ""
    primary = tagged or artist.split("; ")[0].strip() or UNKNOWN_ARTIST
    return FileIdentity(
        artist=primary[:500],
        credit=artist[:1000],
        album_artist=_text(tags.album_artist, 500) or primary[:500],
        album=album,
        title=title,
        disc_number=_small(tags.disc_number),
        track_number=number,
        disc_total=_small(tags.disc_total),
        track_total=_small(tags.track_total),
        year=_small(tags.year),
        duration_ms=result.duration_ms,
        isrc=_matching(_ISRC, (tags.isrc or "").strip().upper().replace("-", "")),
        recording_id=_mbid(tags.musicbrainz_recording_id),
        release_id=_mbid(tags.musicbrainz_release_id),
        release_group_id=_mbid(tags.musicbrainz_release_group_id),
        artist_mbid=_mbid(tags.musicbrainz_artist_id),
        spotify_id=_text(tags.spotify_id, 64),
    )


def guess_from_path(path: str, root: str) -> dict[str, Any]:
    """Artist, album, title and track number from "Artist/Album/01 - Title.ext"."""
    pure = PurePath(path)
    try:
        folders = pure.parent.relative_to(root).parts
    except ValueError:
        folders = pure.parent.parts[-2:]
    stem = pure.stem
    number = None
    match = _LEADING_NUMBER.match(stem)
    if match and match.end() < len(stem):
        number = _small(match.group(2))
        stem = stem[match.end() :]
    artist = folders[-2] if len(folders) >= 2 else UNKNOWN_ARTIST
    album = folders[-1] if folders else ""
    if not folders and " - " in stem:
        artist, stem = (part.strip() for part in stem.split(" - ", 1))
    return {
        "artist": artist[:500],
        "album": album[:500],
        "title": stem.strip()[:500] or pure.name,
        "number": number,
    }


def _text(value: Any, limit: int) -> str:
    return str(value).strip()[:limit] if value else ""


def _small(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= _SMALLINT_MAX else None


def _mbid(value: Any) -> str:
    return _matching(_MBID, str(value or "").strip().lower())


def _matching(pattern: re.Pattern, value: str) -> str:
    return value if pattern.match(value) else ""
