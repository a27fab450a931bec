"""The refresh page: a preview of the 12-track album's changes, applied only on confirmation."""

from __future__ import annotations

import pytest
from django.test import Client

from library.models import Album
from tests.metadata.test_refresh import MB_TITLES, _titles, album, catalog, fake, release  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_page_previews_then_applies_on_confirmation(
    fake,
    album: Album,
    logged_in_client: Client,  # noqa: F811
) -> None:
    url = f"/imports/refresh/album/{album.pk}/"
    before = _titles(album)

    preview = logged_in_client.get(url)

    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Cold Water" in page and "Apply 43 changes" in page
    assert "Undertow (Demo): title" in page  # a change of words is left to the user
    assert _titles(album) == before  # nothing kept

    applied = logged_in_client.post(url, follow=True)

    assert applied.status_code == 200
    titles = _titles(album)
    assert titles[0] == MB_TITLES[0] and titles[5] == "Undertow (Demo)"
    assert "Refreshed from MusicBrainz" in applied.content.decode()


def test_unknown_kinds_and_ids_are_404(logged_in_client: Client) -> None:
    assert logged_in_client.get("/imports/refresh/song/1/").status_code == 404
    assert logged_in_client.get("/imports/refresh/album/999999/").status_code == 404
