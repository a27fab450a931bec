"""REST endpoints for playlists (mounted at /api/playlists). Each calls one service or query;
the playlist's .m3u8 file follows every change.

No `from __future__ import annotations` here: django-ninja reads these annotations at runtime.
"""

from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from library import playlists
from library.models import EntryState, Playlist, PlaylistEntry
from soulspot.lib.pagination import Page
from soulspot.lib.schemas import Id, Text, errors

router = Router(tags=["playlists"])


class PlaylistOut(Schema):
    id: int
    name: str
    description: str
    source: Playlist.Source
    spotify_id: str
    file_name: str = Field(description="The .m3u8 last written (in the playlist folder).")
    entry_count: int
    owned_count: int = Field(description="Entries whose track has a healthy file.")
    wanted_count: int = Field(description="Entries whose track is monitored and has none.")
    created_at: datetime
    updated_at: datetime


class EntryOut(Schema):
    position: int
    track_id: int
    title: str
    artist: str
    duration_ms: int | None
    added_at: datetime
    state: EntryState = Field(
        description="owned (a healthy file), wanted (monitored, none), not_found (wanted, and "
        "its last event is a failure), not_wanted (unmonitored, none)."
    )

    @staticmethod
    def resolve_title(entry: PlaylistEntry) -> str:
        return entry.track.title

    @staticmethod
    def resolve_artist(entry: PlaylistEntry) -> str:
        return entry.track.credit

    @staticmethod
    def resolve_duration_ms(entry: PlaylistEntry) -> int | None:
        return entry.track.duration_ms

    @staticmethod
    def resolve_state(entry: PlaylistEntry) -> str:
        return entry.entry_state()


class PlaylistDetailOut(PlaylistOut):
    entries: list[EntryOut] = Field(description="Every entry, in playlist order.")


class PlaylistFilters(Schema):
    q: Text = ""
    source: Playlist.Source | None = None


class PlaylistPatch(Schema):
    name: Text | None = Field(None, description="A new name; the file is renamed with it.")


@router.get("", response=list[PlaylistOut], summary="Playlists, with counts")
@paginate(Page)
def list_playlists(request: HttpRequest, filters: Query[PlaylistFilters]) -> QuerySet:
    rows = Playlist.objects.with_counts().order_by("name", "pk")
    if filters.q:
        rows = rows.filter(name__icontains=filters.q)
    return rows.filter(source=filters.source) if filters.source else rows


@router.get(
    "/{playlist_id}",
    response={200: PlaylistDetailOut, **errors(404)},
    summary="One playlist, its entries and their state",
)
def get_playlist(request: HttpRequest, playlist_id: Id) -> dict:
    playlist = get_object_or_404(Playlist.objects.with_counts(), pk=playlist_id)
    entries = PlaylistEntry.objects.filter(playlist=playlist).with_state().order_by("position")
    return {**_fields(playlist), "entries": list(entries)}


@router.patch(
    "/{playlist_id}",
    response={200: PlaylistOut, **errors(400, 404)},
    summary="Rename a playlist",
)
def update_playlist(request: HttpRequest, playlist_id: Id, payload: PlaylistPatch) -> Playlist:
    """`{"name": "..."}` renames it: the new .m3u8 is written and the old one removed (only
    ever a file SoulSpot wrote). 400 for a name that is empty once spaces are trimmed."""
    playlist = get_object_or_404(Playlist, pk=playlist_id)
    if payload.name is not None:
        playlists.rename_playlist(playlist, payload.name)
    return Playlist.objects.with_counts().get(pk=playlist_id)


@router.delete("/{playlist_id}", response={204: None, **errors(404)}, summary="Delete a playlist")
def delete_playlist(request: HttpRequest, playlist_id: Id) -> Status:
    """The playlist and its .m3u8 go; its tracks and their files stay in the library."""
    playlists.delete_playlist(get_object_or_404(Playlist, pk=playlist_id))
    return Status(204, None)


def _fields(playlist: Playlist) -> dict:
    return {name: getattr(playlist, name) for name in PlaylistOut.model_fields}
