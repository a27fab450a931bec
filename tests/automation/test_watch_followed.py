"""Spotify's followed artists become watched artists when the user turns that on."""

from __future__ import annotations

import json

import pytest

from automation.models import SpotifyFollowedArtist, SpotifySources, WatchedArtist
from automation.watching import checks, followed
from fakes.metadata_services import FakeMusicBrainz
from tests.metadata_support import catalog, fake_fixture

pytestmark = pytest.mark.django_db
fake = fake_fixture(FakeMusicBrainz)
__all__ = ["catalog"]  # fixtures


@pytest.fixture
def follows(catalog):
    catalog.add_release("Record", "Dynamo Go", ["Song"])
    catalog.add_release("Record", "Dynamo Gone", ["Song"])
    SpotifyFollowedArtist.objects.create(spotify_id="a1", name="dynamo go")
    SpotifyFollowedArtist.objects.create(spotify_id="a2", name="Nobody On MusicBrainz")
    return catalog


def test_nothing_is_watched_while_the_switch_is_off(fake, follows) -> None:
    assert followed.watch_followed_artists() == "watching followed artists is off"
    assert not WatchedArtist.objects.exists() and fake.requests == []


def test_on_the_exact_name_is_watched_and_the_rest_noted(fake, follows, api_client) -> None:
    response = api_client.put(
        "/api/watchlist/spotify-followed",
        json.dumps({"watch_followed_artists": True}),
        content_type="application/json",
    )
    assert response.json() == {"watch_followed_artists": True}
    assert SpotifySources.get().watch_followed_artists

    summary = checks.check_due_watches()

    assert "1 followed artist(s) watched, 2 tried" in summary
    watch = WatchedArtist.objects.get()
    assert watch.artist.name == "Dynamo Go" and watch.source == WatchedArtist.Source.SPOTIFY
    notes = dict(SpotifyFollowedArtist.objects.values_list("spotify_id", "watch_note"))
    assert notes == {"a1": "watched", "a2": "no MusicBrainz match"}
    # Tried once: the next tick does not search again.
    fake.clear_requests()
    followed.watch_followed_artists()
    assert fake.requests_for("/ws/2/artist") == []
    assert api_client.get("/api/watchlist/spotify-followed").json() == {
        "watch_followed_artists": True
    }
