"""Searching MusicBrainz from the API (mounted at /api/musicbrainz).

No `from __future__ import annotations` here: django-ninja reads these annotations at runtime.
"""

from typing import Annotated
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema

from metadata.musicbrainz_search import (
    DEFAULT_SEARCH_LIMIT,
    MAX_SEARCH_LIMIT,
    SearchResult,
    SearchType,
    search_musicbrainz,
)
from soulspot.lib.schemas import Text, errors

router = Router(tags=["musicbrainz"])


class ArtistHitOut(Schema):
    id: str
    name: str
    sort_name: str
    disambiguation: str
    type: str | None
    country: str | None
    score: int = Field(description="MusicBrainz's search score, 0–100.")


class ReleaseGroupHitOut(Schema):
    id: str
    title: str
    disambiguation: str
    artist: str
    artist_ids: list[str]
    primary_type: str | None
    secondary_types: list[str]
    first_release_date: str | None
    release_count: int | None
    score: int


class ReleaseHitOut(Schema):
    id: str
    title: str
    disambiguation: str
    artist: str
    artist_ids: list[str]
    status: str | None
    date: str | None
    country: str | None
    format: str = Field(description='The media in words: "CD", "2×CD", "Digital Media".')
    track_count: int | None
    release_group_id: str | None
    primary_type: str | None
    secondary_types: list[str]
    score: int


class SearchOut(Schema):
    """Only the list of the searched `type` is filled; the other two are empty."""

    type: str
    q: str
    artists: list[ArtistHitOut]
    release_groups: list[ReleaseGroupHitOut]
    releases: list[ReleaseHitOut]


@router.get("/search", response={200: SearchOut, **errors(400, 503)}, summary="Search MusicBrainz")
def search(
    request: HttpRequest,
    type: SearchType,
    q: Text = "",
    limit: Annotated[int, Field(ge=1, le=MAX_SEARCH_LIMIT)] = DEFAULT_SEARCH_LIMIT,
    artist_id: UUID | None = None,
) -> SearchResult:
    """Artists, release groups or releases, best first. `artist_id` (release groups only)
    lists that artist's release groups, `q` then optional. 503 when MusicBrainz cannot be
    reached (or metadata providers are switched off); want a hit with
    `POST /api/downloads/albums`."""
    return search_musicbrainz(type, q, limit=limit, artist_id=str(artist_id) if artist_id else None)
