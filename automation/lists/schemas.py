"""Request and response shapes of the lists API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema

from automation.lists.parse import MAX_BYTES
from soulspot.lib.schemas import NoNul, Text

# A whole pasted list: up to the size of a list file (5 MB), far more than a Text holds. (The
# JSON body is further capped by Django's DATA_UPLOAD_MAX_MEMORY_SIZE; a larger list is
# uploaded as a file.)
ListText = Annotated[str, Field(max_length=MAX_BYTES), NoNul]


class ListIn(Schema):
    name: Text = Field(
        "",
        description="The list's name; default: 'Imported list'. An imported list of the "
        "same name is replaced.",
    )
    text: ListText = Field(
        description="An Exportify CSV, a CSV with a header, or 'Artist - Title' lines."
    )


class RejectedOut(Schema):
    line: int
    text: str = Field(description="The line as given (at most 200 characters).")
    reason: str


class RowOut(Schema):
    line: int
    artist: str
    title: str
    album: str
    album_artist: str
    artist_credit: str
    duration_ms: int | None
    isrc: str
    spotify_id: str
    disc_number: int | None
    track_number: int | None
    year: int | None


class PreviewOut(Schema):
    kind: str = Field(description="exportify, csv or lines")
    rows: list[RowOut]
    rejected: list[RejectedOut]


class PlaylistRef(Schema):
    id: int
    name: str
    entries: int


class ImportOut(Schema):
    playlist: PlaylistRef
    understood: int
    rejected: list[RejectedOut]
    newly_wanted: int
    searches_queued: int


class ListOut(Schema):
    id: int
    name: str
    created_at: datetime
    updated_at: datetime
    entries: int = Field(alias="entry_count")
    owned: int = Field(alias="owned_count")
    wanted: int = Field(alias="wanted_count")
