"""Background tasks of the automation app: thin, each one service call under Spotify's rules."""

from __future__ import annotations

from automation import recordings
from automation.spotify import status, sync
from automation.spotify.gate import run_spotify_task


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


def check_watched_artists() -> str:
    """Every minute, and on "check now": check the watched artists that are due, one at a time."""
    from automation.watching import checks

    return checks.check_due_watches()


def check_watched_artist(watch_id: int) -> str:
    """ "Check now" for one watched artist."""
    from automation.watching import checks

    result = checks.check_watch(watch_id)
    return "not checked: gone or being checked" if result is None else result.summary()
