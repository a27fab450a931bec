"""REST endpoints for the Spotify source (mounted at /api/spotify). Each calls one service.

No `from __future__ import annotations` here: django-ninja reads these annotations at runtime.
"""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from automation.models import SpotifyPlaylist, SpotifySources
from automation.spotify import status, sync
from automation.spotify.schemas import (
    AuthorizeOut,
    PlaylistOut,
    PlaylistPatch,
    SourcesOut,
    SourcesPatch,
    SpotifyId,
    StatusOut,
    SyncOut,
)
from metadata.providers import spotify as spotify_api
from soulspot.lib.pagination import Page
from soulspot.lib.schemas import errors

router = Router(tags=["spotify"])


@router.get("/authorize", response={200: AuthorizeOut, **errors(400)}, summary="Start connecting")
def authorize(request: HttpRequest) -> dict:
    """The Spotify page to send the user's browser to. Spotify sends it back to
    `SPOTIFY_REDIRECT_URI` (`/spotify/callback`), which finishes the connection; the state in
    the URL is one-time and expires after 10 minutes."""
    return {"authorize_url": spotify_api.start_authorization()}


@router.get("/status", response=StatusOut, summary="Connection and sync state")
def get_status(request: HttpRequest) -> dict:
    return status.connection_status()


@router.get("/playlists", response=list[PlaylistOut], summary="Your Spotify playlists")
@paginate(Page)
def list_playlists(request: HttpRequest) -> QuerySet:
    """As last listed by a sync: own, collaborative and followed playlists; `readable` is false
    for playlists a Development Mode app may not read (other users' playlists)."""
    return SpotifyPlaylist.objects.order_by("name", "pk")


@router.patch(
    "/playlists/{playlist_id}",
    response={200: PlaylistOut, **errors(404)},
    summary="Follow or unfollow a playlist",
)
def update_playlist(request: HttpRequest, playlist_id: SpotifyId, payload: PlaylistPatch):
    """Followed: synced now and at every sync, its tracks wanted. Unfollowed: its tracks stop
    being wanted unless another source or you want them; files stay in the library."""
    source = get_object_or_404(SpotifyPlaylist, spotify_id=playlist_id)
    return sync.follow_playlist(source, payload.followed)


@router.get("/settings", response=SourcesOut, summary="Which sources are read")
def get_sources(request: HttpRequest) -> SpotifySources:
    return SpotifySources.get()


@router.patch("/settings", response=SourcesOut, summary="Choose sources and the interval")
def update_sources(request: HttpRequest, payload: SourcesPatch) -> SpotifySources:
    return status.update_sources(**payload.dict())


@router.post("/sync", response={202: SyncOut, **errors(400, 409)}, summary="Sync now")
def sync_now(request: HttpRequest) -> Status:
    status.request_sync()
    return Status(202, {"detail": "sync queued"})


@router.post("/disconnect", response={200: StatusOut}, summary="Disconnect the account")
def disconnect(request: HttpRequest) -> dict:
    """Deletes the tokens. Spotify has no revocation endpoint: remove SoulSpot's access at
    https://www.spotify.com/account/apps/ too."""
    status.forget_account()
    return status.connection_status()
