"""Every way a Spotify request can fail, as one family of typed errors (no spotipy here).

Callers mostly need three questions answered: retry later (`SpotifyUnavailable`, and its
`SpotifyRateLimited` with the seconds to wait), ask the user to (re)connect
(`SpotifyNotConfigured`, `SpotifyNotConnected`, `SpotifyAuthError`), or give up on this item
(`SpotifyForbidden`, `SpotifyNotFound`).
"""

from __future__ import annotations

from metadata.providers.base import NotFound, ProviderError, ProviderUnavailable


class SpotifyError(ProviderError):
    """Spotify could not give a usable answer."""


class SpotifyNotConfigured(SpotifyError):
    """SPOTIFY_CLIENT_ID is empty: the Spotify features are off."""


class SpotifyNotConnected(SpotifyError):
    """No account is connected, or Spotify refused the refresh token: the user must reconnect."""


class SpotifyAuthError(SpotifyError):
    """The connect attempt failed: unknown, expired or replayed state, consent denied, or the
    authorization code refused."""


class SpotifyUnavailable(SpotifyError, ProviderUnavailable):
    """Network trouble, a 5xx or a garbled answer: try again later."""


class SpotifyRateLimited(SpotifyUnavailable):
    """A 429: try again in `retry_after` seconds (at least 1)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))


class SpotifyQuotaExceeded(SpotifyRateLimited):
    """A 429 whose reason is QUOTA_EXCEEDED: the developer account's daily quota is spent."""


class SpotifyForbidden(SpotifyError):
    """A 403, e.g. the items of a playlist the user neither owns nor collaborates on, which a
    Development Mode app may not read."""


class SpotifyNotFound(SpotifyError, NotFound):
    """A 404: no such item (or a Spotify-owned playlist hidden from Development Mode apps)."""
