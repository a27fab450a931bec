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
