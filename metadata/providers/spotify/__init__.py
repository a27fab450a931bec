"""Spotify Web API client: connecting an account (PKCE) and reading its library.

    from metadata.providers import spotify

    url = spotify.start_authorization()               # redirect the browser there
    spotify.complete_authorization(code, state)       # in the callback
    for entry in spotify.playlist_entries(playlist_id): ...

`client` is the only module that imports spotipy (authorize URL, token requests, API calls
with a session that never sleeps on a 429); `tokens` hands every call a valid access token
with one refresh at a time across processes; `store` keeps the tokens encrypted in
`accounts.SpotifyConnection`; `connection` runs the connect flow; `reading` pages through the
library into the frozen `shapes`.

Every failure is a SpotifyError (see `errors` for which means retry, reconnect or give up).
"""

from __future__ import annotations

from metadata.providers.spotify.client import SCOPES
from metadata.providers.spotify.connection import (
    complete_authorization,
    complete_authorization_error,
    connection,
    disconnect,
    is_configured,
    start_authorization,
)
from metadata.providers.spotify.errors import (
    SpotifyAuthError,
    SpotifyError,
    SpotifyForbidden,
    SpotifyNotConfigured,
    SpotifyNotConnected,
    SpotifyNotFound,
    SpotifyQuotaExceeded,
    SpotifyRateLimited,
    SpotifyUnavailable,
)
from metadata.providers.spotify.reading import (
    current_user,
    followed_artists,
    my_playlists,
    playlist,
    playlist_entries,
    saved_albums,
    saved_tracks,
)
from metadata.providers.spotify.shapes import (
    PlaylistEntry,
    SpotifyAlbum,
    SpotifyAlbumRef,
    SpotifyArtist,
    SpotifyPlaylist,
    SpotifyTrack,
    SpotifyUser,
)

__all__ = [
    "SCOPES",
    "PlaylistEntry",
    "SpotifyAlbum",
    "SpotifyAlbumRef",
    "SpotifyArtist",
    "SpotifyAuthError",
    "SpotifyError",
    "SpotifyForbidden",
    "SpotifyNotConfigured",
    "SpotifyNotConnected",
    "SpotifyNotFound",
    "SpotifyPlaylist",
    "SpotifyQuotaExceeded",
    "SpotifyRateLimited",
    "SpotifyTrack",
    "SpotifyUnavailable",
    "SpotifyUser",
    "complete_authorization",
    "complete_authorization_error",
    "connection",
    "current_user",
    "disconnect",
    "followed_artists",
    "is_configured",
    "my_playlists",
    "playlist",
    "playlist_entries",
    "saved_albums",
    "saved_tracks",
    "start_authorization",
]
