"""Searching MusicBrainz for the API and the search page: one entry point for three kinds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from metadata.providers import musicbrainz
from soulspot.lib.errors import SoulSpotError

SearchType = Literal["artist", "release-group", "release"]
SEARCH_TYPES: tuple[SearchType, ...] = ("artist", "release-group", "release")
MAX_SEARCH_LIMIT = 25
DEFAULT_SEARCH_LIMIT = 10


@dataclass(frozen=True)
class SearchResult:
    """The hits of one search; only the list of the searched type is filled."""

    type: SearchType
    q: str
    artists: list[musicbrainz.ArtistHit] = field(default_factory=list)
    release_groups: list[musicbrainz.ReleaseGroupHit] = field(default_factory=list)
    releases: list[musicbrainz.ReleaseHit] = field(default_factory=list)


def search_musicbrainz(
    type: SearchType,
    q: str,
    *,
    limit: int = DEFAULT_SEARCH_LIMIT,
    artist_id: str | None = None,
) -> SearchResult:
    """Artists, release groups (optionally of one artist) or releases matching `q`, best
    first. Raises SoulSpotError when there is nothing to search for, MusicBrainzUnavailable
    when MusicBrainz cannot answer."""
    q = q.strip()
    limit = max(1, min(MAX_SEARCH_LIMIT, limit))
    if type == "release-group" and (q or artist_id):
        hits = musicbrainz.search_release_groups(q, limit, artist_id=artist_id)
        return SearchResult(type, q, release_groups=hits)
    if not q:
        raise SoulSpotError("q: type something to search for")
    if type == "artist":
        return SearchResult(type, q, artists=musicbrainz.search_artists(q, limit))
    if type == "release":
        return SearchResult(type, q, releases=musicbrainz.search_releases(q, limit))
    raise SoulSpotError(f"type: unknown search type {type!r}")
