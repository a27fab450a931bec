"""What the Spotify page and `GET /api/spotify/status` show, and the user's choices."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from automation.models import SpotifySources
from automation.spotify.sync import SOURCE_TASKS
from metadata.providers import spotify as spotify_api
from soulspot.lib.queue import enqueue


def connection_status() -> dict:
    """Configured, connected, which account, and the sync's state in words."""
    sources = SpotifySources.get()
    conn = spotify_api.connection()
    connected = _connected()
    account = {"id": conn.spotify_user_id, "display_name": conn.display_name} if connected else None
    error = (conn.error if conn and conn.needs_reconnect else "") or sources.error
    return {
        "configured": spotify_api.is_configured(),
        "connected": connected,
        "account": account,
        "last_sync": sources.last_sync_at,
        "last_result": sources.last_result,
        "next_sync": sources.next_sync_at if connected else None,
        "paused_until": sources.paused_until if sources.is_paused() else None,
        "paused_reason": sources.paused_reason if sources.is_paused() else "",
        "error": error,
    }


def sync_is_due() -> bool:
    if not spotify_api.is_configured() or not _connected():
        return False
    sources = SpotifySources.get()
    return sources.next_sync_at is None or sources.next_sync_at <= timezone.now()


def request_sync() -> None:
    """ "Sync now": the listing runs at once (its tasks follow); refused when not connected."""
    if not spotify_api.is_configured():
        raise spotify_api.SpotifyNotConfigured("Spotify is off: set SPOTIFY_CLIENT_ID")
    conn = spotify_api.connection()
    if conn is None or not conn.has_tokens:
        raise spotify_api.SpotifyNotConnected("connect a Spotify account first")
    SpotifySources.get()
    SpotifySources.objects.filter(pk=1).update(next_sync_at=timezone.now())
    transaction.on_commit(lambda: enqueue("automation.tasks.sync_spotify"))


@transaction.atomic
def update_sources(**choices: object) -> SpotifySources:
    """Switch Liked Songs / saved albums / followed artists on or off, or change the interval.
    A source switched on is read at once (when connected), then at every sync; the interval
    counts from the last sync."""
    sources = SpotifySources.get()
    switched_on = [
        field
        for field, value in choices.items()
        if field in SOURCE_TASKS and value and not getattr(sources, field)
    ]
    for field, value in choices.items():
        if value is not None:
            setattr(sources, field, value)
    if sources.last_sync_at is not None:
        sources.next_sync_at = sources.last_sync_at + timedelta(hours=sources.sync_interval_hours)
    sources.save()
    if switched_on and _connected():
        for field in switched_on:
            transaction.on_commit(lambda task=SOURCE_TASKS[field]: enqueue(task))
    return sources


def _connected() -> bool:
    conn = spotify_api.connection()
    return bool(conn and conn.has_tokens and not conn.needs_reconnect)


def forget_account() -> None:
    """Disconnect: tokens deleted (by the provider); the sync state starts afresh."""
    spotify_api.disconnect()
    SpotifySources.get()
    SpotifySources.objects.filter(pk=1).update(
        next_sync_at=None, next_call_at=None, paused_until=None, paused_reason="", error=""
    )
