"""Lidarr-style naming templates: `{Artist Name}/{Album Title}{ (Release Year)}/{track:00} ...`.

Token syntax follows Lidarr's FileNameBuilder: inside the braces, separator characters before
the token name (`- ._[(`) are a prefix and after it (`- ._)]`) a suffix; both disappear with an
empty value, so `{ (Release Year)}` renders " (1999)" or nothing. `{{` and `}}` are literal
braces. `{track:00}` zero-pads; `{Artist Name:20}` truncates to 20 characters (negative: keep
the end). A token written in lower case (`{artist name}`) gives a lower-case value, in upper
case an upper-case one; `{Artist.Name}` replaces spaces in the value with dots.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath

from library.naming.sanitize import (
    DEFAULT_MAX_PATH_BYTES,
    MAX_SEGMENT_BYTES,
    fit_total_length,
    sanitize_segment,
    sanitize_text,
)
from soulspot.lib.errors import SoulSpotError

UNKNOWN_ARTIST = "Unknown Artist"
UNKNOWN_ALBUM = "Unknown Album"

TOKEN_RE = re.compile(
    r"(?P<escaped>\{\{|\}\})"
    r"|\{(?P<prefix>[- ._\[(]*)"
    r"(?P<token>[a-z0-9]+(?:(?P<separator>[- ._]+)[a-z0-9]+)?)"
    r"(?::(?P<custom>[a-z0-9+-]+(?<!-)))?"
    r"(?P<suffix>[- ._)\]]*)\}",
    re.IGNORECASE,
)
_TRAILING_SEPARATORS = re.compile(r"[- ._]+$")
# A separator left at the start by an empty token ("{track:00} - Title" without a number).
_LEADING_SEPARATOR = re.compile(r"^\s*[-._]+\s+")

_ALBUM_DIR = "{Artist Name}/{Album Title}{ (Release Year)}/"
DEFAULT_TEMPLATES: dict[str, str] = {
    "standard": _ALBUM_DIR + "{track:00} - {Track Title}",
    # Discs stay in one folder ("01-03 - Title") so players find the album cover once.
    "multi_disc": _ALBUM_DIR + "{medium:00}-{track:00} - {Track Title}",
    "various_artists": _ALBUM_DIR + "{track:00} - {Track ArtistName} - {Track Title}",
    "various_artists_multi_disc": (
        _ALBUM_DIR + "{medium:00}-{track:00} - {Track ArtistName} - {Track Title}"
    ),
}


class InvalidTemplate(SoulSpotError, ValueError):
    """A naming template failed validation (400; the message lists every problem)."""


@dataclass(frozen=True)
class NamingContext:
    """Everything a template may refer to, for one track file."""

    artist_name: str = ""
    artist_sort_name: str = ""
    album_title: str = ""
    album_type: str = ""  # "Album", "EP", "Single"...
    release_year: int | None = None
    track_title: str = ""
    track_artist_name: str = ""  # per-track artist (various-artists albums)
    track_number: int | None = None
    disc_number: int | None = None
    disc_count: int | None = None
    medium_format: str = ""  # "CD", "Digital Media"...
    quality_title: str = ""  # "FLAC", "MP3-320"...
    original_filename: str = ""  # name of the source file; its extension is ignored
    extension: str = ""  # ".flac"; appended to the file name
    artist_mbid: str = ""
    album_mbid: str = ""
    is_various_artists: bool = False


def clean_title(text: str) -> str:
    """Lidarr's "Clean" variant: `&` -> "and", no brackets or punctuation."""
    text = text.replace("&", "and").replace("/", " ").replace("\\", " ")
    text = re.sub(r"[()\[\]{}'\":;,?!*<>|`~]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def title_the(text: str) -> str:
    """ "The Beatles" -> "Beatles, The" (keeping a trailing "(...)" after the article)."""
    return re.sub(r"^(The|An|A) (.*?)((?: *\([^)]+\))*)$", r"\2, \1\3", text, flags=re.I)


def _first_character(text: str) -> str:
    for char in unicodedata.normalize("NFKD", title_the(text)):
        if char.isalnum():
            return char.upper()
    return "_"


def _track_title(ctx: NamingContext) -> str:
    if ctx.track_title.strip():
        return ctx.track_title
    return f"Track {ctx.track_number}" if ctx.track_number else "Unknown Track"


def _artist(ctx: NamingContext) -> str:
    return ctx.artist_name.strip() or UNKNOWN_ARTIST


def _album(ctx: NamingContext) -> str:
    return ctx.album_title.strip() or UNKNOWN_ALBUM


def _track_artist(ctx: NamingContext) -> str:
    return ctx.track_artist_name.strip() or _artist(ctx)


# Keys are token names in lower case without separators: "Artist Name" == "artist.name".
TEXT_TOKENS: dict[str, Callable[[NamingContext], str]] = {
    "artistname": _artist,
    "artistcleanname": lambda c: clean_title(_artist(c)),
    "artistsortname": lambda c: c.artist_sort_name.strip() or title_the(_artist(c)),
    "artistnamethe": lambda c: title_the(_artist(c)),
    "artistcleannamethe": lambda c: clean_title(title_the(_artist(c))),
    "artistnamefirstcharacter": lambda c: _first_character(_artist(c)),
    "artistmbid": lambda c: c.artist_mbid,
    "albumtitle": _album,
    "albumcleantitle": lambda c: clean_title(_album(c)),
    "albumtitlethe": lambda c: title_the(_album(c)),
    "albumtype": lambda c: c.album_type,
    "albummbid": lambda c: c.album_mbid,
    "releaseyear": lambda c: str(c.release_year) if c.release_year else "",
    "tracktitle": _track_title,
    "trackcleantitle": lambda c: clean_title(_track_title(c)),
    "trackartistname": _track_artist,
    "trackartistcleanname": lambda c: clean_title(_track_artist(c)),
    "qualitytitle": lambda c: c.quality_title,
    "qualityfull": lambda c: c.quality_title,
    "originalfilename": lambda c: PurePath(c.original_filename).stem,
    "originaltitle": lambda c: PurePath(c.original_filename).stem,
    "mediumcount": lambda c: str(c.disc_count) if c.disc_count else "",
    "mediumformat": lambda c: c.medium_format,
}
NUMBER_TOKENS: dict[str, Callable[[NamingContext], int | None]] = {
    "track": lambda c: c.track_number,
    "medium": lambda c: c.disc_number or 1,
}
# A file name needs one of these or every track of an album gets the same name.
_DISTINCT_TOKENS = {"track", "tracktitle", "trackcleantitle", "originalfilename", "originaltitle"}


def token_key(token: str) -> str:
    """Normalised token name: `Artist Name`, `artist.name` and `Artist_Name` are the same."""
    return re.sub(r"[- ._]", "", token).lower()


def choose_template(templates: dict[str, str], ctx: NamingContext) -> str:
    """Pick the standard / multi-disc / various-artists template for this album.

    Missing keys fall back to DEFAULT_TEMPLATES, never to a template that could let tracks
    of different discs collide.
    """
    key = "various_artists" if ctx.is_various_artists else "standard"
    if (ctx.disc_count or 1) > 1 or (ctx.disc_number or 1) > 1:
        key = "various_artists_multi_disc" if ctx.is_various_artists else "multi_disc"
    return templates.get(key) or DEFAULT_TEMPLATES[key]


def validate_template(template: str) -> list[str]:
    """Every problem with a template, as sentences for the settings page (empty when valid)."""
    if not template or not template.strip():
        return ["The template is empty."]
    problems: list[str] = []
    if template.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", template):
        problems.append("The template must be relative (no leading slash or drive letter).")
    segments = re.split(r"[\\/]", template.strip("/\\"))
    if any(segment.strip() in {".", ".."} for segment in segments):
        problems.append("'.' and '..' folders are not allowed.")
    if any(not segment.strip() for segment in segments):
        problems.append("The template has an empty folder name (two slashes in a row).")
    problems += _token_problems(template)
    if not {token_key(m["token"]) for m in _tokens(segments[-1])} & _DISTINCT_TOKENS:
        problems.append("The file name needs {track:00} or {Track Title} to tell tracks apart.")
    return problems


def render_path(
    template: str,
    ctx: NamingContext,
    *,
    max_segment_bytes: int = MAX_SEGMENT_BYTES,
    max_path_bytes: int = DEFAULT_MAX_PATH_BYTES,
) -> Path:
    """Render a template into a safe relative path (extension from `ctx.extension`).

    Slashes in the template make folders; slashes in values never do. Every segment is
    sanitized for all operating systems. Raises InvalidTemplate for a bad template.
    """
    problems = validate_template(template)
    if problems:
        raise InvalidTemplate(" ".join(problems))
    segments = re.split(r"[\\/]", template.strip("/\\"))
    rendered = []
    for index, segment in enumerate(segments):
        is_file = index == len(segments) - 1
        text = TOKEN_RE.sub(lambda m: _replace(m, ctx), segment)
        text = _TRAILING_SEPARATORS.sub("", re.sub(r"\s+", " ", text))
        text = _LEADING_SEPARATOR.sub("", text)
        extension = ctx.extension if is_file else ""
        rendered.append(sanitize_segment(text, extension=extension, max_bytes=max_segment_bytes))
    return Path(*fit_total_length(rendered, max_path_bytes))


def _tokens(text: str) -> list[re.Match[str]]:
    return [m for m in TOKEN_RE.finditer(text) if not m["escaped"]]


def _token_problems(template: str) -> list[str]:
    problems = []
    for match in _tokens(template):
        key, custom = token_key(match["token"]), match["custom"]
        if key not in TEXT_TOKENS and key not in NUMBER_TOKENS:
            problems.append(f"Unknown token {{{match['token']}}}.")
        elif custom and key in NUMBER_TOKENS and set(custom) != {"0"}:
            problems.append(f"{{{match['token']}:{custom}}}: number formats are 0, 00, 000...")
        elif custom and key in TEXT_TOKENS and not re.fullmatch(r"-?\d+", custom):
            problems.append(f"{{{match['token']}:{custom}}}: use a length such as :30.")
    leftover = TOKEN_RE.sub("", template)
    if "{" in leftover or "}" in leftover:
        problems.append("Unbalanced or malformed braces (write {{ or }} for a literal brace).")
    return problems


def _replace(match: re.Match[str], ctx: NamingContext) -> str:
    if match["escaped"]:
        return match["escaped"][0]
    token, custom = match["token"], match["custom"] or ""
    key = token_key(token)
    if key in NUMBER_TOKENS:
        number = NUMBER_TOKENS[key](ctx)
        value = "" if number is None else str(number).zfill(len(custom))
    else:
        value = _truncate(sanitize_text(TEXT_TOKENS[key](ctx)), custom)
        value = _apply_case(token, value)
        separator = match["separator"]
        if separator and separator != " ":
            value = value.replace(" ", separator)
    return f"{match['prefix']}{value}{match['suffix']}" if value.strip() else ""


def _apply_case(token: str, value: str) -> str:
    letters = [c for c in token if c.isalpha()]
    if all(c.islower() for c in letters):
        return value.lower()
    if all(c.isupper() for c in letters):
        return value.upper()
    return value


def _truncate(value: str, custom: str) -> str:
    if not custom:
        return value
    limit = int(custom)
    if limit == 0 or len(value) <= abs(limit):
        return value
    if limit > 0:
        return value[:limit].rstrip() + "…"
    return "…" + value[limit:].lstrip()
