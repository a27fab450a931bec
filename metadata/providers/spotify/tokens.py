"""A valid access token for every API call, with one refresh at a time across all processes.

Spotify rotates the refresh token on refresh: if two processes (web workers, task workers)
refreshed at once with the same refresh token, one would store a token the other just made
useless. So a process that finds the token expiring claims a lease on the connection row
(one UPDATE that only one process can win), refreshes, saves the rotated token and releases;
the others poll the row until the winner's token appears. A lease older than
`store.LEASE_SECONDS` belonged to a dead process and is taken over.

Call Spotify outside `transaction.atomic()`: the lease and the rotated token must be visible
to other processes at once, and a rollback after a refresh would lose the only valid refresh
token (the account would then need reconnecting).
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from metadata.providers.spotify import client, store
from metadata.providers.spotify.errors import (
    SpotifyNotConfigured,
    SpotifyNotConnected,
    SpotifyUnavailable,
)
from soulspot.lib.secret_box import SecretBoxError

logger = logging.getLogger(__name__)

# spotipy's own rule: a token with less than a minute left is expired.
EXPIRY_MARGIN_SECONDS = 60
WAIT_SECONDS = 20.0
POLL_SECONDS = 0.1
KEY_LOST = (
    "The key that encrypted the Spotify tokens is missing or different (was SoulSpot restored "
    "from a backup, or the secret key file replaced?). Reconnect Spotify."
)
REFRESH_REFUSED = "{detail} Reconnect Spotify."
NOT_CONNECTED = "Spotify is not connected."


class RowTokens:
    """The `client.TokenSource` backed by the connection row."""

    def current(self) -> str:
        """An access token with more than a minute left, refreshed first if needed."""
        return access_token()

    def renew(self, rejected: str) -> str:
        """A token other than `rejected` (which Spotify refused early), refreshed if needed."""
        return _replace(rejected)["access_token"]


def access_token() -> str:
    info = load()
    if not expired(info):
        return info["access_token"]
    return _replace(info["access_token"])["access_token"]


def expired(info: dict[str, Any]) -> bool:
    return int(info["expires_at"]) - time.time() < EXPIRY_MARGIN_SECONDS


def load() -> dict[str, Any]:
    """The stored token JSON; SpotifyNotConnected (with the reason) when there is none."""
    if not client.is_configured():
        raise SpotifyNotConfigured("Spotify is off: SPOTIFY_CLIENT_ID is not set")
    row = store.connection()
    if row is None or not row.has_tokens:
        raise SpotifyNotConnected(row.error if row is not None and row.error else NOT_CONNECTED)
    try:
        info = store.decode(row)
    except SecretBoxError:
        # The tokens stay: putting the right key file back makes them readable again.
        store.set_error(KEY_LOST)
        raise SpotifyNotConnected(KEY_LOST) from None
    if row.error:
        store.set_error("")  # the key file is back
    if not info or not info.get("access_token") or "expires_at" not in info:
        reason = REFRESH_REFUSED.format(detail="No usable token is stored.")
        store.mark_reconnect_needed(reason)
        raise SpotifyNotConnected(reason)
    return info


def _replace(stale: str) -> dict[str, Any]:
    """The stored token once it is another than `stale`: refreshed here under the lease, or by
    another process while this one waits (at most WAIT_SECONDS)."""
    owner = uuid.uuid4().hex
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        info = load()
        if info["access_token"] != stale:
            return info
        if store.claim_refresh(owner):
            try:
                return _refresh_as_owner(stale)
            finally:
                store.release_refresh(owner)
        if time.monotonic() > deadline:
            raise SpotifyUnavailable("another SoulSpot process is still renewing Spotify access")
        time.sleep(POLL_SECONDS)


def _refresh_as_owner(stale: str) -> dict[str, Any]:
    # Read again under the lease: a refresh that finished just before we claimed counts.
    info = load()
    if info["access_token"] != stale:
        return info
    used = info["refresh_token"]
    try:
        client.refresh(used)
    except SpotifyNotConnected as exc:
        if load()["refresh_token"] != used:
            # A process that took over our (stale) lease already rotated the token.
            return load()
        reason = REFRESH_REFUSED.format(detail=exc)
        logger.warning("Spotify refused the refresh token: %s", exc)
        store.mark_reconnect_needed(reason)
        raise SpotifyNotConnected(reason) from exc
    return load()
