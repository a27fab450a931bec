"""Connecting and disconnecting the Spotify account (Authorization Code with PKCE).

    url = start_authorization()             # send the browser there
    user = complete_authorization(code, state)   # in the callback view

The callback must present the `state` issued by `start_authorization` within ten minutes, and
only once: a replayed or forged callback cannot connect an account. The PKCE verifier that goes
with it is kept encrypted in the same row until then.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.utils import timezone

from accounts.models import SpotifyAuthRequest, SpotifyConnection
from metadata.providers.spotify import client, reading, store
from metadata.providers.spotify.errors import SpotifyAuthError, SpotifyNotConfigured
from metadata.providers.spotify.shapes import SpotifyUser
from soulspot.lib import secret_box

MAX_STATE_LENGTH = 64
MAX_CODE_LENGTH = 2048
PRUNE_AFTER = timedelta(days=1)
STATE_REFUSED = (
    "This Spotify sign-in is unknown, expired (after 10 minutes) or already used. "
    "Start connecting again."
)


def is_configured() -> bool:
    """Whether Spotify is on (SPOTIFY_CLIENT_ID is set)."""
    return client.is_configured()


def connection() -> SpotifyConnection | None:
    """The connection row (tokens encrypted), None when Spotify was never connected."""
    return store.connection()


def start_authorization() -> str:
    """Begin connecting: record a one-time state with its PKCE verifier, return the URL that
    asks the user's consent on Spotify."""
    _require_configured()
    now = timezone.now()
    SpotifyAuthRequest.objects.filter(expires_at__lt=now - PRUNE_AFTER).delete()
    state = secrets.token_urlsafe(32)
    url, verifier = client.authorize_url(state)
    SpotifyAuthRequest.objects.create(
        state=state,
        encrypted_verifier=secret_box.encrypt(verifier),
        created_at=now,
        expires_at=now + SpotifyAuthRequest.LIFETIME,
    )
    return url


def complete_authorization(code: str, state: str) -> SpotifyUser:
    """Finish connecting with the `code` and `state` Spotify sent to the callback.

    Claims the state (once, unexpired), trades the code and the stored verifier for tokens,
    stores them encrypted and records who the account is. SpotifyAuthError when the state or
    the code is refused; SpotifyUnavailable when Spotify could not be reached.
    """
    _require_configured()
    if not _plausible(code, MAX_CODE_LENGTH):
        _claim(state)  # a callback without a usable code still spends its state
        raise SpotifyAuthError("Spotify sent no usable authorization code. Start again.")
    request = _claim(state)
    try:
        verifier = secret_box.decrypt(request.encrypted_verifier)
    except secret_box.SecretBoxError as exc:
        raise SpotifyAuthError(STATE_REFUSED) from exc
    client.exchange_code(code, verifier)
    store.set_connected()
    user = reading.current_user()
    store.set_user(user.id, user.display_name)
    return user


def complete_authorization_error(error: str, state: str) -> None:
    """The callback came back with `?error=` (consent denied...): spend the state and raise
    SpotifyAuthError saying what happened."""
    _require_configured()
    _claim(state)
    if error == "access_denied":
        raise SpotifyAuthError("Access was declined on Spotify, so nothing was connected.")
    shown = error[:100] if _plausible(error, 100) else "unknown error"
    raise SpotifyAuthError(f"Spotify did not connect ({shown}). Start again.")


def disconnect() -> None:
    """Forget the account: its tokens and every pending connect attempt."""
    store.delete()
    SpotifyAuthRequest.objects.all().delete()


def _claim(state: str) -> SpotifyAuthRequest:
    """Mark the state used, exactly once, before it expires; SpotifyAuthError otherwise."""
    if not _plausible(state, MAX_STATE_LENGTH):
        raise SpotifyAuthError(STATE_REFUSED)
    now = timezone.now()
    if SpotifyAuthRequest.objects.claimable(state, now).update(used_at=now) != 1:
        raise SpotifyAuthError(STATE_REFUSED)
    return SpotifyAuthRequest.objects.get(state=state)


def _plausible(value: object, max_length: int) -> bool:
    # Printable ASCII only: a NUL byte alone would make PostgreSQL refuse the query.
    return (
        isinstance(value, str)
        and 0 < len(value) <= max_length
        and value.isascii()
        and value.isprintable()
    )


def _require_configured() -> None:
    if not client.is_configured():
        raise SpotifyNotConfigured("Spotify is off: set SPOTIFY_CLIENT_ID to connect an account")
