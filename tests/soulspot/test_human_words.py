"""Pages say "not configured" and "MP3 V0", never the codes behind them."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import AlbumFactory, TrackFactory, TrackFileFactory

pytestmark = pytest.mark.django_db


def test_the_system_card_says_not_configured_in_words(logged_in_client: Client, settings) -> None:
    settings.SLSKD_URL = ""
    page = logged_in_client.get("/system-status/", headers={"HX-Request": "true"}).content.decode()
    assert "not configured" in page and "not_configured" not in page
    assert "no heartbeat" in page and "no_heartbeat" not in page


def test_the_track_and_album_pages_name_qualities_as_the_ladder_does(
    logged_in_client: Client,
) -> None:
    track = TrackFactory(album=AlbumFactory())
    TrackFileFactory(track=track, quality="mp3_v0")
    for url in (f"/library/tracks/{track.pk}/", f"/library/albums/{track.album_id}/"):
        page = logged_in_client.get(url).content.decode()
        assert "MP3 V0" in page, url
        assert "mp3_v0" not in page, url
