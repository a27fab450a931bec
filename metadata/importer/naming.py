"""Where a track's file belongs in the library, by the naming scheme."""

from __future__ import annotations

import os
from pathlib import Path

from library import paths as library_paths
from library.models import Track
from library.naming import choose_template, render_path, safe_join
from metadata.importer import describe
from metadata.models import NamingScheme


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
    ctx = describe.naming_context(
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
