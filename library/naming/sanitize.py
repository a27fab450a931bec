"""Make any text safe as one path segment on Linux, macOS and Windows (and SMB shares).

Hostile tags are expected: slashes, "..", NUL and control characters, Windows device names,
bidi overrides that disguise extensions, zero-width characters and 300-character titles.
Emoji and other scripts are kept.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path, PurePath

MAX_SEGMENT_BYTES = 255  # ext4/btrfs/ZFS limit; UTF-16 based systems allow at least as much
DEFAULT_MAX_PATH_BYTES = 1024  # relative path; leaves room for the library root under PATH_MAX
MIN_SEGMENT_BYTES = 32  # never shorten a segment below this to fit the total path limit

# Windows refuses these names even with an extension ("AUX.flac"); superscript digits count.
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{kind}{digit}" for kind in ("COM", "LPT") for digit in "123456789¹²³"
}
_REPLACEMENTS = {
    "/": "-",
    "\\": "-",
    ":": "-",
    "|": "-",
    "*": "-",
    "?": "",
    '"': "'",
    "<": "",
    ">": "",
}
_WHITESPACE_CONTROLS = {"\t", "\n", "\r", "\v", "\f", "\u2028", "\u2029", "\u0085"}
# Bidi marks/overrides can make "evil\u202eflac.exe" look like "evilexe.flac"; zero-width
# characters make names that look identical but differ.
_INVISIBLE = (
    "\u200b\u2060\ufeff\u180e\u00ad\u061c\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_JOINERS = "\u200c\u200d"  # needed inside emoji sequences and Persian/Indic words


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {ord(c): r for c, r in _REPLACEMENTS.items()}
    for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]:
        table[code] = " " if chr(code) in _WHITESPACE_CONTROLS else None
    table.update({ord(c): " " for c in _WHITESPACE_CONTROLS})
    table.update({ord(c): None for c in _INVISIBLE})
    return table


_TABLE = _build_table()
_STRAY_JOINERS = re.compile(rf"(?<!\S)[{_JOINERS}]+|[{_JOINERS}]+(?!\S)")
_SPACES = re.compile(r"\s+")
_EXTENSION = re.compile(r"^\.[A-Za-z0-9]{1,10}$")


class UnsafePath(ValueError):
    """A path would leave the directory it must stay in."""


def sanitize_text(value: str) -> str:
    """Clean a tag value for use in a file name: NFC, no illegal/control/invisible characters.

    Slashes become "-", so a tag value can never create a directory.
    """
    text = unicodedata.normalize("NFC", str(value))
    text = text.replace(": ", " - ")  # "Title: Subtitle" reads better than "Title- Subtitle"
    text = text.translate(_TABLE)
    text = _STRAY_JOINERS.sub("", text)
    return _SPACES.sub(" ", text).strip()


def sanitize_segment(
    text: str, *, extension: str = "", max_bytes: int = MAX_SEGMENT_BYTES, fallback: str = "_"
) -> str:
    """One safe path segment (folder or file name), `extension` kept even when shortened."""
    ext = extension.lower() if _EXTENSION.match(extension or "") else ""
    name = _strip_edges(sanitize_text(text))
    name = _avoid_reserved(name)
    name = _strip_edges(truncate_utf8(name, max_bytes - len(ext.encode("utf-8"))))
    return (name or fallback) + ext


def truncate_utf8(text: str, max_bytes: int) -> str:
    """Cut `text` to at most `max_bytes` of UTF-8 without splitting a character.

    A letter is not separated from its combining accents, nor an emoji from its modifiers, so
    no half "é" or half emoji is left dangling.
    """
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    cut = encoded[: max(max_bytes, 0)].decode("utf-8", "ignore")
    while cut and _attaches(text[len(cut)]):
        cut = cut[:-1]
    while cut and cut[-1] in _JOINERS:
        cut = cut[:-1]
    return cut


def fit_total_length(segments: list[str], max_path_bytes: int) -> list[str]:
    """Shorten the longest segments (evenly) until the joined path fits `max_path_bytes`."""
    if _joined_bytes(segments) <= max_path_bytes:
        return list(segments)
    longest = max(len(s.encode("utf-8")) for s in segments)
    last = len(segments) - 1
    for cap in range(longest - 1, MIN_SEGMENT_BYTES - 1, -1):
        fitted = [_cap_segment(s, cap, is_file=i == last) for i, s in enumerate(segments)]
        if _joined_bytes(fitted) <= max_path_bytes:
            return fitted
    raise UnsafePath(f"path cannot be shortened to {max_path_bytes} bytes")


def safe_join(root: Path, relative: Path | str) -> Path:
    """`root / relative`, resolved, guaranteed to be strictly inside `root` (else UnsafePath).

    Symlinks are resolved too, so a link inside the library pointing elsewhere is refused.
    """
    rel = PurePath(relative)
    if rel.is_absolute() or rel.anchor or ".." in rel.parts or not rel.parts:
        raise UnsafePath(f"not a safe relative path: {str(relative)!r}")
    try:
        base = Path(root).resolve()
        target = (base / rel).resolve()
    except (ValueError, OSError) as exc:  # e.g. an embedded NUL byte
        raise UnsafePath(f"invalid path {str(relative)!r}: {exc}") from exc
    if target == base or not target.is_relative_to(base):
        raise UnsafePath(f"{str(relative)!r} escapes {base}")
    return target


def _strip_edges(name: str) -> str:
    # Leading dots hide files on Unix ("." and ".." are traversal); Windows drops trailing dots
    # and spaces, so "Album." and "Album" would collide there.
    return name.strip(" .")


def _avoid_reserved(name: str) -> str:
    base = name.split(".", 1)[0].rstrip(" ")
    if base.upper() in _RESERVED:
        return base + "_" + name[len(base) :]
    return name


def _attaches(char: str) -> bool:
    """Combining marks, joiners, variation selectors and skin tones belong to the char before."""
    return (
        unicodedata.category(char) in {"Mn", "Mc", "Me"}
        or char in "\u200c\u200d\ufe0e\ufe0f"
        or 0x1F3FB <= ord(char) <= 0x1F3FF
    )


def _cap_segment(segment: str, cap: int, *, is_file: bool) -> str:
    if len(segment.encode("utf-8")) <= cap:
        return segment
    stem, ext = _split_ext(segment, is_file=is_file)
    return sanitize_segment(truncate_utf8(stem, cap - len(ext.encode("utf-8"))), extension=ext)


def _split_ext(segment: str, *, is_file: bool) -> tuple[str, str]:
    if is_file:
        stem, dot, ext = segment.rpartition(".")
        if dot and _EXTENSION.match("." + ext):
            return stem, "." + ext
    return segment, ""


def _joined_bytes(segments: list[str]) -> int:
    return sum(len(s.encode("utf-8")) for s in segments) + max(len(segments) - 1, 0)
