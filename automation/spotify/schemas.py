"""Shapes of the Spotify API endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema

# Spotify ids are 22 base-62 characters; a little room for anything longer it may use.
SpotifyId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9]+$")]


class AuthorizeOut(Schema):
    authorize_url: str


class AccountOut(Schema):
    id: str
    display_name: str


class StatusOut(Schema):
    configured: bool
    connected: bool
    account: AccountOut | None
    last_sync: datetime | None
    last_result: str
    next_sync: datetime | None
    paused_until: datetime | None
    paused_reason: str
    error: str


class PlaylistOut(Schema):
    id: str = Field(alias="spotify_id")
    name: str
    owner: str = Field(alias="owner_name")
    owned: bool
    collaborative: bool
    readable: bool | None
    tracks_total: int
    snapshot_id: str
    synced_at: datetime | None
    followed: bool
    last_result: str
    error: str
    library_playlist_id: int | None = Field(None, alias="playlist_id")


class PlaylistPatch(Schema):
    followed: bool


class SourcesOut(Schema):
    liked_songs: bool
    saved_albums: bool
    followed_artists: bool
    sync_interval_hours: int


class SourcesPatch(Schema):
    liked_songs: bool | None = None
    saved_albums: bool | None = None
    followed_artists: bool | None = None
    sync_interval_hours: int | None = Field(None, ge=1, le=24 * 7)


class SyncOut(Schema):
    detail: str
