"""What SoulSpot reads from the connected account, one HTTP call per page.

Only endpoints a 2026 Development Mode app may use: no batch lookups, playlist entries from
`/playlists/{id}/items`. Lists are iterators that fetch the next page (Spotify's absolute `next`
URL) only when the caller gets that far; errors surface when the failing page is reached.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from metadata.providers.spotify import parsing
from metadata.providers.spotify.client import SpotifyApi
from metadata.providers.spotify.shapes import (
    PlaylistEntry,
    SpotifyAlbum,
    SpotifyArtist,
    SpotifyPlaylist,
    SpotifyUser,
)
from metadata.providers.spotify.tokens import RowTokens

# Only what SpotifyPlaylist needs; `tracks(total)` for answers in the pre-2026 shape.
PLAYLIST_FIELDS = (
    "id,name,owner(id,display_name),collaborative,snapshot_id,items(total),tracks(total)"
)


@contextmanager
def _api() -> Iterator[SpotifyApi]:
    api = SpotifyApi(RowTokens())
    try:
        yield api
    finally:
        api.close()


def _pages(api: SpotifyApi, first: dict[str, Any]) -> Iterator[dict[str, Any]]:
    page: dict[str, Any] | None = first
    while page is not None:
        yield page
        page = api.next_page(page)


def current_user() -> SpotifyUser:
    """The connected account (`GET /me`)."""
    with _api() as api:
        raw = api.me()
    return parsing.parse(lambda: parsing.user(raw))


def my_playlists() -> Iterator[SpotifyPlaylist]:
    """The playlists in the user's library: own, followed and collaborative ones."""
    with _api() as api:
        for page in _pages(api, api.my_playlists()):
            items = parsing.parse(lambda page=page: parsing.page_items(page))
            for raw in items:
                if isinstance(raw, dict):  # Spotify lists deleted playlists as null
                    yield parsing.parse(lambda raw=raw: parsing.playlist(raw))


def playlist(playlist_id: str) -> SpotifyPlaylist:
    """One playlist's name, owner and entry count, in one call (`fields` limited)."""
    with _api() as api:
        raw = api.playlist(playlist_id, PLAYLIST_FIELDS)
    return parsing.parse(lambda: parsing.playlist(raw))


def playlist_entries(playlist_id: str) -> Iterator[PlaylistEntry]:
    """Every entry of a playlist, episodes and local files included (see `PlaylistEntry`).

    SpotifyForbidden: the user neither owns nor collaborates on it, and a Development Mode
    app may not read its entries.
    """
    with _api() as api:
        yield from _entries(api, api.playlist_items(playlist_id))


def saved_tracks() -> Iterator[PlaylistEntry]:
    """The user's Liked Songs, newest first."""
    with _api() as api:
        yield from _entries(api, api.saved_tracks())


def _entries(api: SpotifyApi, first: dict[str, Any]) -> Iterator[PlaylistEntry]:
    position = 0
    for page in _pages(api, first):
        for raw in parsing.parse(lambda page=page: parsing.page_items(page)):
            yield parsing.parse(lambda raw=raw, at=position: parsing.entry(raw, at))
            position += 1


def saved_albums() -> Iterator[SpotifyAlbum]:
    """The user's saved albums, each with all its tracks."""
    with _api() as api:
        for page in _pages(api, api.saved_albums()):
            for raw in parsing.parse(lambda page=page: parsing.page_items(page)):
                album = parsing.parse(lambda raw=raw: raw["album"])
                tracks = _album_tracks(api, album)
                yield parsing.parse(lambda album=album, tracks=tracks: parsing.album(album, tracks))


def _album_tracks(api: SpotifyApi, album: dict[str, Any]) -> list[dict[str, Any]]:
    """The album's embedded track page, plus the pages after it when it is short."""
    page = parsing.parse(lambda: album["tracks"])
    tracks = list(parsing.parse(lambda: parsing.page_items(page)))
    total = parsing.parse(lambda: int(page.get("total") or 0))
    while len(tracks) < total:
        page = api.next_page(page)
        if page is None:
            break
        tracks += parsing.parse(lambda page=page: parsing.page_items(page))
    return tracks


def followed_artists() -> Iterator[SpotifyArtist]:
    """The artists the user follows (cursor paging)."""
    with _api() as api:
        page: dict[str, Any] | None = api.followed_artists()
        while page is not None:
            artists = parsing.parse(lambda page=page: page["artists"])
            for raw in parsing.parse(lambda artists=artists: parsing.page_items(artists)):
                yield parsing.parse(lambda raw=raw: parsing.artist(raw))
            page = api.next_page(artists)
