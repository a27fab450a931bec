"""Background tasks of the automation app: thin, each one service call under Spotify's rules."""

from __future__ import annotations

from automation import recordings
from automation.notifications import dispatch, problems, sending, services
from automation.spotify import status, sync
from automation.spotify.gate import run_spotify_task
from automation.watching import checks


def spotify_tick() -> str:
    """Every minute: start a sync when one is due (interval passed, or "sync now")."""
    if not status.sync_is_due():
        return "no Spotify sync due"
    return run_spotify_task("automation.tasks.sync_spotify", sync.list_and_plan)


def sync_spotify() -> str:
    return run_spotify_task("automation.tasks.sync_spotify", sync.list_and_plan)


def sync_spotify_playlist(source_id: int) -> str:
    return run_spotify_task("automation.tasks.sync_spotify_playlist", sync.sync_playlist, source_id)


def sync_spotify_liked() -> str:
    return run_spotify_task("automation.tasks.sync_spotify_liked", sync.sync_liked_songs)


def sync_spotify_saved_albums() -> str:
    return run_spotify_task("automation.tasks.sync_spotify_saved_albums", sync.sync_saved_albums)


def sync_spotify_followed_artists() -> str:
    return run_spotify_task(
        "automation.tasks.sync_spotify_followed_artists", sync.sync_followed_artists
    )


def resolve_recordings() -> str:
    """Look up the MusicBrainz recordings of wanted tracks' ISRCs, a few per run."""
    return recordings.resolve_some()


def dispatch_notifications() -> str:
    """Every minute: add targets from SOULSPOT_NOTIFY_URLS, then queue a send per new event."""
    services.seed_from_environment()
    return dispatch.dispatch_new_events()


def send_notification(delivery_id: int) -> str:
    """Send one notification (its own task, so that a failure is retried alone)."""
    return sending.send_delivery(delivery_id)


def check_library_problems() -> str:
    """Every 10 minutes: tell once of each new broken file, low disk, slskd or Spotify problem."""
    return problems.check_library_problems()


def check_watched_artists() -> str:
    """Every minute, and on "check now": check the watched artists that are due, one at a time."""
    return checks.check_due_watches()


def check_watched_artist(watch_id: int) -> str:
    """ "Check now" for one watched artist."""
    result = checks.check_watch(watch_id)
    return "not checked: gone or being checked" if result is None else result.summary()
