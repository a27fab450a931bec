"""The acceptance run with a real django-q2 cluster of 3 workers: connect by PKCE through the
API and the callback page, follow, sync, an access token that expired under the workers (one
refresh, no invalid_grant), and a 429 whose Retry-After delays the next call without holding
a worker."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from automation.models import SpotifyFollowedArtist, SpotifyPlaylist, SpotifySavedAlbum
from library.models import Track
from tests.serve_support import start_qcluster, wait_for_worker
from tests.spotify_support import connect_through_pages

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e, pytest.mark.slow]


def _quiet(fake, seconds: float = 3.0) -> bool:
    """No call to Spotify for `seconds` (the download engine may still be busy)."""
    calls = len(fake.api_requests())
    time.sleep(seconds)
    return len(fake.api_requests()) == calls


@pytest.fixture
def cluster(settings, tmp_path, scenario, fake_spotify):
    settings.SOULSPOT_SEARCH_NEW_WANTS = False
    fake = fake_spotify
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    worker = None

    def start() -> subprocess.Popen:
        nonlocal worker
        worker = start_qcluster(
            data_dir,
            SOULSPOT_WORKERS="3",
            # Spotify is a provider: switched off would mean no calls at all.
            SOULSPOT_METADATA_PROVIDERS="true",
            SOULSPOT_SEARCH_NEW_WANTS="false",
            SPOTIFY_CLIENT_ID=settings.SPOTIFY_CLIENT_ID,
            SPOTIFY_ACCOUNTS_URL=settings.SPOTIFY_ACCOUNTS_URL,
            SPOTIFY_API_URL=settings.SPOTIFY_API_URL,
        )
        return worker

    yield scenario, fake, start
    if worker is not None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=20)


def test_three_workers_sync_the_library_with_one_refresh_and_polite_waits(
    cluster, api_client, logged_in_client
) -> None:
    scenario, fake, start = cluster
    connect_through_pages(api_client, logged_in_client)
    start()
    wait_for_worker(lambda: SpotifyPlaylist.objects.count() == 3, 60, "the first listing")

    api_client.patch(
        "/api/spotify/settings",
        {"liked_songs": True, "saved_albums": True, "followed_artists": True},
        content_type="application/json",
    )
    # Every token issued so far now answers 401: each of the parts the workers run at once
    # needs a new one, and Spotify would revoke the account were two to refresh with the
    # same refresh token.
    fake.expire_access_tokens()
    for playlist_id in scenario.readable_playlist_ids:
        api_client.patch(
            f"/api/spotify/playlists/{playlist_id}",
            {"followed": True},
            content_type="application/json",
        )
    assert api_client.post("/api/spotify/sync").status_code == 202

    expected = scenario.expected_track_ids | set(scenario.collaborative_track_ids)
    wait_for_worker(
        lambda: (
            set(
                Track.objects.filter(monitored=True, want_reasons__source="spotify").values_list(
                    "spotify_id", flat=True
                )
            )
            >= expected
        ),
        90,
        "the wants of both playlists and Liked Songs",
    )
    wait_for_worker(
        lambda: (
            SpotifySavedAlbum.objects.count() == 2
            and SpotifyFollowedArtist.objects.count() == 3
            and not SpotifyPlaylist.objects.filter(followed=True, synced_at=None).exists()
        ),
        90,
        "saved albums, followed artists and both playlists",
    )
    wait_for_worker(lambda: _quiet(fake), 60, "the workers to finish")
    refreshes = [t for t in fake.token_requests() if t["grant_type"] == "refresh_token"]
    assert [t["outcome"] for t in refreshes] == ["ok"], refreshes

    # A 429 with Retry-After: 3 on the next items call.
    own = SpotifyPlaylist.objects.get(spotify_id=scenario.own_playlist_id)
    SpotifyPlaylist.objects.filter(pk=own.pk).update(synced_snapshot_id="")
    fake.rate_limit_next(retry_after=3)
    before = len(fake.api_requests())
    api_client.post("/api/spotify/sync")
    wait_for_worker(
        lambda: SpotifyPlaylist.objects.get(pk=own.pk).synced_snapshot_id != "",
        90,
        "the rate-limited playlist to be synced after Retry-After",
    )
    # The first call after the 429 came at least Retry-After later.
    limited, *after = fake.api_requests()[before:]
    assert after, "no call after the 429"
    assert after[0].at - limited.at >= 3.0
