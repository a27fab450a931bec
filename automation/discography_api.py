"""Discography completion of a library artist (mounted at /api/library/artists: the library
app cannot reach MusicBrainz release groups or want albums through automation).

No `from __future__ import annotations` here: django-ninja reads these annotations at runtime.
"""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from automation.watching import discography
from library.models import Artist
from soulspot.lib.pagination import Page
from soulspot.lib.schemas import MAX_ITEMS, Id, Text, errors

router = Router(tags=["discography"])


class CompleteIn(Schema):
    release_group_ids: list[Text] | None = Field(
        None, max_length=MAX_ITEMS, description="Only these release groups (default: every gap)."
    )
    release_types: list[Text] | None = Field(
        None,
        max_length=20,
        description="album, ep, single... (default: the watch's, or album, ep).",
    )


class GapOut(Schema):
    release_group_id: str
    title: str
    primary_type: str
    first_release_date: str
    status: str = Field(description="missing or incomplete")
    album_id: int | None
    owned_tracks: int
    total_tracks: int


class WantedGapOut(Schema):
    release_group_id: str
    title: str
    album_id: int | None
    state: str


class SkippedGapOut(Schema):
    release_group_id: str
    title: str
    reason: str


class CompletionOut(Schema):
    wanted: list[WantedGapOut]
    skipped: list[SkippedGapOut]


@router.get(
    "/{artist_id}/discography-gaps",
    response={200: list[GapOut], **errors(400, 404, 503)},
    summary="Missing and incomplete release groups",
)
@paginate(Page)
def gaps(request: HttpRequest, artist_id: Id, release_types: Text = "") -> list:
    """`release_types` comma-separated (default: the watch's, or album,ep)."""
    artist = get_object_or_404(Artist, pk=artist_id)
    types = [t for t in release_types.split(",") if t.strip()] or None
    return [
        {**gap.__dict__, "status": gap.status}
        for gap in discography.discography_gaps(artist, types)
    ]


@router.post(
    "/{artist_id}/complete-discography",
    response={202: CompletionOut, **errors(400, 404, 503)},
    summary="Want the missing release groups",
)
def complete(request: HttpRequest, artist_id: Id, payload: CompleteIn) -> Status:
    """Wants every gap (or the ticked `release_group_ids`), as release checks want them."""
    artist = get_object_or_404(Artist, pk=artist_id)
    result = discography.complete_discography(
        artist, payload.release_group_ids, payload.release_types
    )
    return Status(202, {"wanted": result.wanted, "skipped": result.skipped})
