"""The Spotify page and Spotify's OAuth callback, with the Django test client and the fake."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client

from automation.models import SpotifyPlaylist, SpotifySources
from fakes.spotify import SpotifyWorld, make_artist, make_track
from metadata.providers import spotify
from tests.spotify_support import authorize, connect_through_pages, run_queued

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world() -> SpotifyWorld:
    world = SpotifyWorld(user_id="me", display_name="Page Listener")
    band = make_artist("arPage", "Page Band")
    song = make_track("trPage1", "Page Song", [band], isrc="GBPAG2600001")
    world.add_playlist("plPageMine", "Mine", entries=[song])
    world.add_playlist("plPageTheirs", "Theirs", owner_id="someone", entries=[song])
    return world


def test_without_a_client_id_the_page_says_spotify_is_off(logged_in_client, settings) -> None:
    settings.SPOTIFY_CLIENT_ID = ""
    page = logged_in_client.get("/spotify/").content.decode()
    assert "Spotify is off" in page and "Lists page" in page


def test_connect_sends_the_browser_to_spotify(fake_spotify, logged_in_client) -> None:
    page = logged_in_client.get("/spotify/").content.decode()
    assert "Connect Spotify" in page
    answer = logged_in_client.post("/spotify/connect/")
    assert answer.status_code == 302
    assert answer["Location"].startswith(fake_spotify.url + "/authorize?")


def test_the_callback_needs_no_login_its_state_authenticates_it(fake_spotify) -> None:
    anonymous = Client()
    answer = authorize(spotify.start_authorization())
    back = anonymous.get("/spotify/callback", answer)
    assert back.status_code == 302 and urlsplit(back["Location"]).path == "/spotify/"
    assert spotify.connection().spotify_user_id == "me"


def test_a_wrong_or_replayed_state_is_refused_in_words(fake_spotify) -> None:
    anonymous = Client()
    answer = authorize(spotify.start_authorization())
    wrong = anonymous.get("/spotify/callback", {**answer, "state": "not-the-state"})
    assert wrong.status_code == 400 and "did not work" in wrong.content.decode()
    assert anonymous.get("/spotify/callback", answer).status_code == 302
    replayed = anonymous.get("/spotify/callback", answer)
    assert replayed.status_code == 400


def test_a_denied_consent_is_refused_in_words(fake_spotify, world) -> None:
    world.deny_next_authorization = True
    answer = authorize(spotify.start_authorization())
    back = Client().get("/spotify/callback", answer)
    assert back.status_code == 400 and "did not work" in back.content.decode()
    connection = spotify.connection()
    assert connection is None or not connection.has_tokens


def test_the_connected_page_lists_playlists_and_follows_with_htmx(
    fake_spotify, api_client, logged_in_client
) -> None:
    connect_through_pages(api_client, logged_in_client)
    run_queued()
    page = logged_in_client.get("/spotify/").content.decode()
    assert "Connected as" in page and "Mine" in page and "not readable" in page
    mine = SpotifyPlaylist.objects.get(spotify_id="plPageMine")
    row = logged_in_client.post(
        f"/spotify/playlists/{mine.pk}/follow/", {"followed": "1"}, HTTP_HX_REQUEST="true"
    )
    assert row.status_code == 200 and "Unfollow" in row.content.decode()
    mine.refresh_from_db()
    assert mine.followed


def test_the_page_costs_the_same_queries_for_3_or_30_playlists(
    fake_spotify, api_client, logged_in_client, django_assert_max_num_queries
) -> None:
    connect_through_pages(api_client, logged_in_client)
    run_queued()
    with django_assert_max_num_queries(20) as few:
        logged_in_client.get("/spotify/")
    SpotifyPlaylist.objects.bulk_create(
        SpotifyPlaylist(spotify_id=f"plMany{n}", name=f"Many {n}") for n in range(28)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        logged_in_client.get("/spotify/")


def test_the_sources_form_switches_watching_followed_artists(logged_in_client) -> None:
    logged_in_client.post(
        "/spotify/sources/", {"followed_artists": "1", "watch_followed_artists": "1"}
    )
    assert SpotifySources.get().watch_followed_artists
    logged_in_client.post("/spotify/sources/", {"followed_artists": "1"})
    assert not SpotifySources.get().watch_followed_artists
