"""Every Spotify task runs through here: Spotify's rate limits are honoured without a worker
ever sleeping.

- A 429 with Retry-After N: no Spotify call by anyone for N seconds (`next_call_at`); the task
  that got it is queued again for then. Any Spotify task starting earlier reschedules itself too.
- A 429 whose reason is QUOTA_EXCEEDED (the Development Mode daily quota): Spotify work pauses
  until the next day (`paused_until`, with the reason shown on the Spotify page and the API).
- Spotify down or the login refused: the error is recorded; the next scheduled sync tries again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from automation.models import SpotifySources
from metadata.providers import spotify as spotify_api
from soulspot.lib.queue import enqueue_at

logger = logging.getLogger(__name__)


def run_spotify_task(task_path: str, work: Callable[..., str], *args: object) -> str:
    """Run `work(*args)` (the body of the task `task_path`) under the rate-limit rules."""
    sources = SpotifySources.get()
    now = timezone.now()
    if sources.is_paused():
        return (
            f"Spotify paused until {sources.paused_until:%Y-%m-%d %H:%M}: {sources.paused_reason}"
        )
    if sources.next_call_at and sources.next_call_at > now:
        enqueue_at(task_path, sources.next_call_at, *args)
        return f"waiting for Spotify's Retry-After until {sources.next_call_at:%H:%M:%S}"
    try:
        return work(*args)
    except spotify_api.SpotifyQuotaExceeded as exc:
        until = max(now + timedelta(seconds=exc.retry_after), _next_day(now))
        _record(paused_until=until, paused_reason=f"Spotify's daily quota is used up ({exc})")
        return f"paused until {until:%Y-%m-%d %H:%M}: daily quota used up"
    except spotify_api.SpotifyRateLimited as exc:
        when = now + timedelta(seconds=exc.retry_after)
        _record(next_call_at=when)
        enqueue_at(task_path, when, *args)
        return f"rate limited: again after {exc.retry_after} s"
    except (spotify_api.SpotifyNotConnected, spotify_api.SpotifyNotConfigured) as exc:
        _record(error=f"not connected: {exc}")
        return f"not connected: {exc}"
    except spotify_api.SpotifyUnavailable as exc:
        _record(error=f"Spotify is unavailable: {exc}")
        return f"Spotify is unavailable: {exc}"


def _next_day(now: datetime) -> datetime:
    """The next midnight UTC: when Spotify's daily quota starts afresh."""
    tomorrow = (now + timedelta(days=1)).date()
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=UTC)


def _record(**fields: object) -> None:
    SpotifySources.get()
    SpotifySources.objects.filter(pk=1).update(**fields)
    logger.warning("spotify: %s", fields)
