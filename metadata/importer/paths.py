"""File names and paths for the importer: extensions, resolved paths, hidden files.

The folders themselves (library, staging, quarantine, recycle) come from `library.paths`.
"""

from __future__ import annotations

from pathlib import Path

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


def real(path: Path) -> Path:
    """`path` with its folder's symlinks resolved, as library paths are stored."""
    path = Path(path)
    return path.parent.resolve() / path.name


def extension_for(audio_format: str, fallback: str = "") -> str:
    """The file extension for a format from `read_audio` (".m4a" for AAC and ALAC)."""
    return EXTENSIONS.get(audio_format) or (fallback.lower() if fallback else ".audio")


def is_ignored(relative: Path) -> bool:
    """Hidden files, our own temporary files and anything in a hidden folder.

    `relative` is relative to the folder being walked, so a hidden folder above it is fine.
    """
    return any(part.startswith(".") for part in relative.parts)
