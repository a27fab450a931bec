"""Genres from Last.fm's top tags, kept to a canonical list SoulSpot ships.

Last.fm tags are whatever listeners typed: "seen live", "favorites", "female vocalists", "2008",
artist names, and the same genre spelled five ways. Like beets' lastgenre plugin, SoulSpot keeps
only tags that name a genre on its list (metadata/genres.txt), in the list's spelling:
"hip hop", "hiphop" and "Hip-Hop" all become "Hip-Hop", "drum n bass" becomes "Drum and Bass".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from metadata.providers import lastfm
from metadata.providers.lastfm import LastFmNotFound, TopTag

# Beside this module, not in a data/ folder: .gitignore ignores every folder named data.
GENRES_FILE = Path(__file__).resolve().parent / "genres.txt"
_WORDS = re.compile(r"[a-z0-9]+")
# "drum 'n' bass", "rock'n'roll", "r n b": the n stands for "and" (as "&" does).
_AND = re.compile(r"[’'`]n[’'`]|&|\+")


def genre_key(text: str) -> str:
    """What two spellings of one genre share: lower case, no accents, "&" / "'n'" / a lone
    "n" read as "and", and nothing but letters and digits ("Hip-Hop" and "hip hop": "hiphop")."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    words = _WORDS.findall(_AND.sub(" and ", folded))
    return "".join("and" if word == "n" else word for word in words)


@cache
def canonical_names() -> dict[str, str]:
    """Every known spelling's key -> the genre's display name, from genres.txt."""
    return parse_genres(GENRES_FILE.read_text(encoding="utf-8").splitlines())


def parse_genres(lines: Iterable[str]) -> dict[str, str]:
    """Read genres.txt lines ("Display | alias, alias"; "#" comments) into key -> display name.

    Raises ValueError when two lines claim the same spelling: the list must be unambiguous.
    """
    names: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        display, _, aliases = text.partition("|")
        display = display.strip()
        for spelling in [display, *(alias.strip() for alias in aliases.split(","))]:
            key = genre_key(spelling)
            if not key:
                continue
            if names.get(key, display) != display:
                raise ValueError(f"genres line {number}: {spelling!r} is already {names[key]!r}")
            names[key] = display
    return names


def canonical_genre(tag: str) -> str | None:
    """The genre a tag names, in SoulSpot's spelling, or None when it names none."""
    key = genre_key(tag)
    return canonical_names().get(key) if key else None


def canonical_genres(tags: list[TopTag], limit: int = 3, min_weight: int = 10) -> list[str]:
    """At most `limit` genres the tags name, most weighted first, each once. Tags below
    `min_weight` (Last.fm's 0-100 relative weight) and tags that name no genre are dropped."""
    genres: list[str] = []
    for tag in sorted(tags, key=lambda t: -t.weight):
        if len(genres) >= limit or tag.weight < min_weight:
            break
        genre = canonical_genre(tag.name)
        if genre and genre not in genres:
            genres.append(genre)
    return genres


def lastfm_genres(artist: str, title: str, album: str | None = None, limit: int = 3) -> list[str]:
    """Up to `limit` canonical genres for a track from Last.fm: the track's tags, else the
    album's, else the artist's (the first that names any genre). [] when none does.

    Raises only Last.fm's provider errors: `LastFmUnavailable` (including `LastFmNotConfigured`
    and `LastFmKeyRejected`: retry later or fix the key) and `LastFmError`. A track, album or
    artist Last.fm does not know just moves on to the next source.
    """
    sources = [lambda: lastfm.track_top_tags(artist, title)]
    if album:
        sources.append(lambda: lastfm.album_top_tags(artist, album))
    sources.append(lambda: lastfm.artist_top_tags(artist))
    for top_tags in sources:
        try:
            genres = canonical_genres(top_tags(), limit=limit)
        except LastFmNotFound:
            continue
        if genres:
            return genres
    return []
