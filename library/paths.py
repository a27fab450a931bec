"""The folders SoulSpot works in: library, recycle, quarantine, staging, playlists, downloads.

Each is a setting (see soulspot/settings.py for the defaults). Settings are read on every call
because tests and the benchmark change them at run time.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from django.conf import settings


def music_dir() -> Path:
    """The library root, symlinks resolved (the importer stores library paths resolved)."""
    return _resolved(str(settings.MUSIC_DIR))


@functools.lru_cache(maxsize=8)
def _resolved(folder: str) -> Path:
    # Asked several times per imported file; the library root does not move while we run.
    return Path(folder).resolve()


def music_root() -> str:
    """The library root as configured, made absolute: the folder the scanner walks."""
    return os.path.abspath(settings.MUSIC_DIR)


def recycle_dir() -> Path:
    """Where replaced and duplicate files go; never inside a scan (the walk skips it)."""
    return Path(settings.SOULSPOT_RECYCLE_DIR).absolute()


def quarantine_dir() -> Path:
    """Where downloads that failed verification go."""
    return Path(settings.SOULSPOT_QUARANTINE_DIR)


def staging_dir() -> Path:
    """Tagged copies wait here before they are linked into place."""
    return Path(settings.SOULSPOT_STAGING_DIR)


def playlist_dir() -> Path:
    """Where playlists are written as `.m3u8` files."""
    return Path(settings.SOULSPOT_PLAYLIST_DIR).resolve()


def downloads_dir() -> Path | None:
    """slskd's downloads folder as this process sees it; None when not configured."""
    configured = settings.SLSKD_DOWNLOADS_DIR
    return Path(configured) if configured else None


def import_dirs() -> list[Path]:
    """The folders a network-started import may take files from (`SOULSPOT_IMPORT_DIRS`), plus
    the library itself (adopting files already there), symlinks resolved."""
    configured = [Path(folder).resolve() for folder in settings.SOULSPOT_IMPORT_DIRS]
    return [*configured, music_dir()]


def is_inside(path: Path, folders: list[Path]) -> bool:
    """Is `path` (already resolved) one of `folders` or below one of them?"""
    return any(path == folder or path.is_relative_to(folder) for folder in folders)


class OutsideLibrary(OSError):
    """A move was asked for a file whose real location is outside SoulSpot's folders.

    An OSError, so every mover's existing "this one file could not be moved" handling reports
    it on that file and goes on with the others.
    """


def managed_dirs() -> list[Path]:
    """The folders SoulSpot may move files within: library, recycle, quarantine, staging."""
    return [
        music_dir(),
        recycle_dir().resolve(),
        quarantine_dir().resolve(),
        staging_dir().resolve(),
    ]


def is_managed(path: Path | str) -> bool:
    """Does `path`, symlinks resolved, lie in one of SoulSpot's folders (see `ensure_managed`)?"""
    # os.path.realpath, not Path.resolve: it does not raise on a symlink loop.
    return is_inside(Path(os.path.realpath(path)), managed_dirs())


def ensure_managed(path: Path | str) -> Path:
    """`path` unchanged, or OutsideLibrary when it (or a symlink on the way) leads outside.

    Every mover (recycle, duplicate resolution, rename, import destination) calls this first:
    a symlink inside the music folder must never make SoulSpot move a file that lives
    elsewhere.
    """
    if not is_managed(path):
        real = os.path.realpath(path)
        raise OutsideLibrary(
            f"{path} leads outside the music folder (to {real}); SoulSpot leaves it alone"
        )
    return Path(path)
