"""Where the importer keeps things: library, staging, quarantine and recycle folders.

Settings are read on every call (tests and the benchmark change them at run time).
"""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings

# The container decides the extension, never the peer's file name ("song.flac.exe", "x.MP3 ").
EXTENSIONS = {
    "flac": ".flac",
    "alac": ".m4a",
    "aac": ".m4a",
    "mp3": ".mp3",
    "ogg": ".ogg",
    "opus": ".opus",
    "wav": ".wav",
    "aiff": ".aiff",
}


def music_dir() -> Path:
    """The library root, symlinks resolved (library paths are stored resolved)."""
    return _resolved(str(settings.MUSIC_DIR))


@functools.lru_cache(maxsize=8)
def _resolved(folder: str) -> Path:
    # Asked several times per imported file; the library root does not move while we run.
    return Path(folder).resolve()


def real(path: Path) -> Path:
    """`path` with its folder's symlinks resolved, as library paths are stored."""
    path = Path(path)
    return path.parent.resolve() / path.name


def staging_dir() -> Path:
    """Tagged copies wait here before they are linked into place.

    It sits inside the music dir by default so the final step is an atomic same-filesystem
    hard link rather than a second copy.
    """
    return Path(settings.SOULSPOT_STAGING_DIR)


def quarantine_dir() -> Path:
    return Path(settings.SOULSPOT_QUARANTINE_DIR)


def recycle_dir() -> Path:
    return Path(settings.SOULSPOT_RECYCLE_DIR)


def downloads_dir() -> Path | None:
    configured = settings.SLSKD_DOWNLOADS_DIR
    return Path(configured) if configured else None


def extension_for(audio_format: str, fallback: str = "") -> str:
    """The file extension for a format from `read_audio` (".m4a" for AAC and ALAC)."""
    return EXTENSIONS.get(audio_format) or (fallback.lower() if fallback else ".audio")


def quality_extension(audio_format: str) -> str:
    """The extension `downloads.quality.classify` expects for a `read_audio` format."""
    return {"aac": "m4a", "wav": "wav", "aiff": "aiff"}.get(audio_format, audio_format)


def is_ignored(relative: Path) -> bool:
    """Hidden files, our own temporary files and anything in a hidden folder.

    `relative` is relative to the folder being walked, so a hidden folder above it is fine.
    """
    return any(part.startswith(".") for part in relative.parts)


def prune_empty_dirs(start: Path, stop_at: Path) -> None:
    """Remove `start` and its parents while they are empty, never `stop_at` or above it."""
    stop = stop_at.absolute()
    current = start.absolute()
    while current != stop and current.is_relative_to(stop):
        try:
            current.rmdir()  # fails (and we stop) when the folder is not empty
        except OSError:
            return
        current = current.parent
