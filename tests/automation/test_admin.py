"""The automation app's admin pages render, and the follow action goes through the service."""

from __future__ import annotations

import pytest

from automation.models import (
    RecordingLookup,
    SpotifyFollowedArtist,
    SpotifyPlaylist,
    SpotifySavedAlbum,
    SpotifySources,
)
from library.models import TrackWant, WantSource
from tests.factories import TrackFactory

pytestmark = pytest.mark.django_db


def test_every_changelist_renders(admin_client) -> None:
    SpotifySources.get()
    SpotifyPlaylist.objects.create(spotify_id="plA", name="A")
    SpotifySavedAlbum.objects.create(spotify_id="alA", name="Album")
    SpotifyFollowedArtist.objects.create(spotify_id="arA", name="Artist")
    RecordingLookup.objects.create(isrc="GBXXX2600001", outcome="found")
    models = ["spotifysources", "spotifyplaylist", "spotifysavedalbum"]
    for model in [*models, "spotifyfollowedartist", "recordinglookup"]:
        assert admin_client.get(f"/admin/automation/{model}/").status_code == 200, model


def test_unfollow_action_releases_the_playlists_wants(admin_client) -> None:
    source = SpotifyPlaylist.objects.create(spotify_id="plB", name="B", followed=True)
    track = TrackFactory(monitored=True, status="wanted")
    TrackWant.objects.create(track=track, source=WantSource.SPOTIFY, key=source.want_key)
    answer = admin_client.post(
        "/admin/automation/spotifyplaylist/",
        {"action": "unfollow", "_selected_action": [source.pk]},
    )
    assert answer.status_code == 302
    track.refresh_from_db()
    assert not track.monitored and not TrackWant.objects.exists()


def test_a_tracks_admin_page_shows_why_it_is_wanted(admin_client) -> None:
    track = TrackFactory()
    TrackWant.objects.create(track=track, source=WantSource.SPOTIFY, key="playlist:plC")
    page = admin_client.get(f"/admin/library/track/{track.pk}/change/").content.decode()
    assert "wanted because of" in page.lower() and "playlist:plC" in page
