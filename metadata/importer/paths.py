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
    "ape": ".ape",
    "wv": ".wv",
    "mpc": ".mpc",
    "wma": ".wma",
    "tak": ".tak",
    "tta": ".tta",
    "speex": ".spx",
    # DSD (.dsf/.dff), OptimFROG (.ofr/.ofs) and AC-3 (.ac3/.eac3) keep the source's own: each
    # of those names a different container or codec.
}
# An MP4 named .m4b is an audiobook: players keep its place and show its chapters. It stays so.
_AUDIOBOOK = ".m4b"


def real(path: Path) -> Path:
    """`path` with its folder's symlinks resolved, as library paths are stored."""
    path = Path(path)
    return path.parent.resolve() / path.name


def extension_for(audio_format: str, source: Path) -> str:
    """The file extension for `source`, whose format `read_audio` found: ".m4a" for AAC and
    ALAC in an MP4 container (".m4b" for an audiobook), ".aac" for a raw ADTS/ADIF stream (a
    renamed one would no longer be readable: mutagen and players pick the parser by extension),
    the format's own for the rest, else the source's own."""
    if audio_format == "aac" and not _is_mp4(source):
        return ".aac"
    if audio_format == "mp3" and _is_riff_wave(source):
        return ".wav"  # an MP3 stream in a WAV container: the container names the file
    if audio_format in {"aac", "alac"} and source.suffix.lower() == _AUDIOBOOK:
        return _AUDIOBOOK
    return EXTENSIONS.get(audio_format) or (source.suffix.lower() or ".audio")


def _is_mp4(path: Path) -> bool:
    """An ISO base media file starts with a box whose type is "ftyp"."""
    head = _head(path)
    return head is None or head[4:8] == b"ftyp"


def _is_riff_wave(path: Path) -> bool:
    head = _head(path)
    return head is not None and head[:4] == b"RIFF" and head[8:12] == b"WAVE"


def _head(path: Path) -> bytes | None:
    """The first 12 bytes; None when unreadable now (verification already passed: the caller
    keeps the usual name)."""
    try:
        with open(path, "rb") as f:
            return f.read(12)
    except OSError:
        return None


def is_ignored(relative: Path) -> bool:
    """Hidden files, our own temporary files and anything in a hidden folder.

    `relative` is relative to the folder being walked, so a hidden folder above it is fine.
    """
    return any(part.startswith(".") for part in relative.parts)
