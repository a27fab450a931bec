"""The connection row: encrypted tokens in, tokens out, the refresh lease, the reconnect reason.

Every write is one UPDATE (or an INSERT of the singleton) in autocommit, so several processes
can share the row without holding a transaction across an HTTP call.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import SpotifyConnection
from soulspot.lib import secret_box

PK = SpotifyConnection.SINGLETON
# A refresh takes one HTTP call (timeout 10 s by default); a lease older than this belongs to
# a process that died or hung, and another may take it over.
LEASE_SECONDS = 30
# The token fields kept: what spotipy needs to use and refresh the token, nothing else.
TOKEN_FIELDS = ("access_token", "refresh_token", "expires_at", "scope", "token_type")


def connection() -> SpotifyConnection | None:
    return SpotifyConnection.objects.filter(pk=PK).first()


def decode(row: SpotifyConnection) -> dict[str, Any] | None:
    """The row's token JSON, or None when it has none. SecretBoxError when it cannot be read."""
    if not row.encrypted_token:
        return None
    return json.loads(secret_box.decrypt(row.encrypted_token))


def read_token() -> dict[str, Any] | None:
    row = connection()
    return decode(row) if row else None


def save_token(token_info: dict[str, Any], *, create: bool = False) -> None:
    """Store new tokens and clear any reconnect reason.

    Only a code exchange creates the row (`create`): a refresh that finishes after the user
    disconnected must not bring the connection back.
    """
    token = {key: token_info[key] for key in TOKEN_FIELDS if key in token_info}
    values = {
        "encrypted_token": secret_box.encrypt(json.dumps(token)),
        "expires_at": datetime.fromtimestamp(int(token["expires_at"]), tz=UTC),
        "error": "",
    }
    if SpotifyConnection.objects.filter(pk=PK).update(**values) == 1 or not create:
        return
    try:
        with transaction.atomic():
            SpotifyConnection.objects.create(pk=PK, **values)
    except IntegrityError:  # created meanwhile by another process
        SpotifyConnection.objects.filter(pk=PK).update(**values)


def set_connected() -> None:
    """A new account was just connected: its time, and no one's name until `/me` answers."""
    SpotifyConnection.objects.filter(pk=PK).update(
        connected_at=timezone.now(), spotify_user_id="", display_name=""
    )


def set_user(user_id: str, display_name: str) -> None:
    SpotifyConnection.objects.filter(pk=PK).update(
        spotify_user_id=user_id, display_name=display_name
    )


def mark_reconnect_needed(reason: str) -> None:
    """Forget the tokens (they are useless now) and say why the user must reconnect."""
    SpotifyConnection.objects.filter(pk=PK).update(
        encrypted_token="", expires_at=None, error=reason, refresh_owner="", refresh_started_at=None
    )


def set_error(reason: str) -> None:
    """Say why Spotify cannot be used (or clear that), keeping the tokens."""
    SpotifyConnection.objects.filter(pk=PK).exclude(error=reason).update(error=reason)


def delete() -> None:
    SpotifyConnection.objects.filter(pk=PK).delete()


def claim_refresh(owner: str) -> bool:
    """Take the refresh lease if it is free or stale; True when this `owner` now holds it."""
    now = timezone.now()
    free = Q(refresh_started_at__isnull=True) | Q(
        refresh_started_at__lt=now - timedelta(seconds=LEASE_SECONDS)
    )
    claimed = SpotifyConnection.objects.filter(free, pk=PK).update(
        refresh_owner=owner, refresh_started_at=now
    )
    return claimed == 1


def release_refresh(owner: str) -> None:
    # Only our own lease: after a takeover the lease is someone else's to release.
    SpotifyConnection.objects.filter(pk=PK, refresh_owner=owner).update(
        refresh_owner="", refresh_started_at=None
    )


def refresh_in_progress() -> bool:
    cutoff = timezone.now() - timedelta(seconds=LEASE_SECONDS)
    return SpotifyConnection.objects.filter(pk=PK, refresh_started_at__gte=cutoff).exists()
