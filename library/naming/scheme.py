"""Where a track's file belongs in the library, by the naming scheme stored in the database."""

from __future__ import annotations

import os
from pathlib import Path

from library import paths as library_paths
from library.models import Album, NamingScheme, Track
from library.naming.sanitize import safe_join
from library.naming.templates import NamingContext, choose_template, render_path
from library.quality import QUALITIES

COVER_NAME = "cover.jpg"  # the album cover beside the audio files, kept by renames
VARIOUS_ARTISTS_MBID = "89ad4ac3-39f7-470e-963a-56509c546377"
_VARIOUS_NAMES = {"various artists", "various", "va"}


def templates() -> dict[str, str]:
    return NamingScheme.load().templates()


def destination(
    track: Track,
    *,
    extension: str,
    quality_key: str | None = None,
    original_filename: str = "",
    scheme: dict[str, str] | None = None,
) -> Path:
    """The absolute library path for a file of `track`; always inside the music dir.

    Raises `library.naming.UnsafePath` only when the library itself is laid out to escape
    (a symlinked folder pointing outside): tag values can never cause it.
    """
    ctx = naming_context(
        track, extension=extension, quality_key=quality_key, original_filename=original_filename
    )
    template = choose_template(scheme if scheme is not None else templates(), ctx)
    return safe_join(library_paths.music_dir(), render_path(template, ctx))


def free_variant(dest: Path, taken: set[str] | None = None) -> Path:
    """`dest`, or "name (2).ext", "name (3).ext"... the first that is free on disk."""
    candidate, number = dest, 1
    while os.path.lexists(candidate) or str(candidate) in (taken or set()):
        number += 1
        candidate = dest.with_name(f"{dest.stem} ({number}){dest.suffix}")
    return candidate


def relative(path: Path | str) -> str:
    """A library path relative to the music dir, for display ("Artist/Album/01 - x.flac")."""
    try:
        return Path(path).relative_to(library_paths.music_dir()).as_posix()
    except ValueError:
        return str(path)


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
