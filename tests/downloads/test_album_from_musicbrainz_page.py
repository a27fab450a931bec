"""The MusicBrainz search page (/downloads/musicbrainz/): search, follow an artist to their
albums, want an album or one edition; against the fake MusicBrainz."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from downloads.models import DownloadJob
from fakes.metadata_services import FakeMusicBrainz, MetadataCatalog
from fakes.metadata_services.demo_catalog import add_editions
from library.models import Album
from tests.metadata_support import fake_fixture

pytestmark = pytest.mark.django_db
PAGE = "/downloads/musicbrainz/"
WANT = "/downloads/musicbrainz/want/"


@pytest.fixture
def catalog() -> MetadataCatalog:
    catalog = MetadataCatalog()
    catalog.add_release("Night Drive", "Neon Harbor", [("Intro", 61_000)], date="2024-03-15")
    return catalog


@pytest.fixture
def ids(catalog: MetadataCatalog) -> dict[str, str]:
    return add_editions(catalog)


fake = fake_fixture(FakeMusicBrainz, MUSICBRAINZ_MAX_ATTEMPTS=1, SOULSPOT_COUNTRY="")


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_page_offers_the_form_and_is_in_the_navigation(logged_in_client, fake) -> None:
    response = logged_in_client.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="q"' in html and 'name="type"' in html
    assert f'href="{PAGE}" aria-current="page">MusicBrainz<' in html
    assert fake.requests == []  # nothing asked before a search


def test_an_artist_links_to_their_albums_which_can_be_wanted(logged_in_client, fake, ids) -> None:
    artists = logged_in_client.get(PAGE, {"type": "artist", "q": "neon harbor"})

    artist_id = artists.context["result"].artists[0].id
    link = f"{PAGE}?type=release-group&artist={artist_id}"
    assert link in artists.content.decode()

    albums = logged_in_client.get(PAGE, {"type": "release-group", "artist": artist_id})

    html = albums.content.decode()
    assert "Harbour Lights" in html and "Night Drive" in html
    assert f'name="release_group_id" value="{ids["group"]}"' in html


def test_releases_are_listed_with_format_country_and_track_count(
    logged_in_client, fake, ids
) -> None:
    response = logged_in_client.get(PAGE, {"type": "release", "q": "harbour lights"})

    html = response.content.decode()
    assert html.count("Want this release") == 4
    assert "deluxe edition" in html and "Digital Media" in html and "Bootleg" in html
    assert f'name="release_id" value="{ids["deluxe"]}"' in html


def test_wanting_an_album_queues_the_chosen_edition_and_says_why(
    logged_in_client, fake, ids
) -> None:
    response = logged_in_client.post(WANT, {"release_group_id": ids["group"]}, follow=True)

    job = DownloadJob.objects.get()
    assert response.redirect_chain[-1][0] == f"/downloads/{job.pk}/"
    assert job.album.musicbrainz_release_id == ids["digital"]
    [message] = _messages(response)
    assert message.startswith("Queued Neon Harbor – Harbour Lights (2015).")
    assert "Chose “Harbour Lights” (Digital Media, XW, 2015-03-02)" in message


def test_wanting_one_edition_queues_that_one(logged_in_client, fake, ids) -> None:
    logged_in_client.post(WANT, {"release_id": ids["deluxe"]})

    album = Album.objects.get()
    assert album.musicbrainz_release_id == ids["deluxe"] and album.track_count == 14


def test_wanting_it_again_goes_back_with_the_reason(logged_in_client, fake, ids) -> None:
    back = f"{PAGE}?type=release&q=harbour"
    logged_in_client.post(WANT, {"release_id": ids["cd"]})

    response = logged_in_client.post(WANT, {"release_id": ids["cd"], "next": back})

    assert response.status_code == 302 and response["Location"] == back
    assert DownloadJob.objects.count() == 1
    page = logged_in_client.get(back)
    assert any("already being downloaded" in m for m in _messages(page))


@pytest.mark.parametrize("data", [{}, {"release_id": "nope"}, {"release_group_id": "x" * 5000}])
def test_a_want_without_a_valid_id_is_refused(logged_in_client, fake, data) -> None:
    response = logged_in_client.post(WANT, data, follow=True)

    assert _messages(response) == ["choose a release or a release group to want"]
    assert not DownloadJob.objects.exists() and fake.requests == []


def test_musicbrainz_down_shows_why_instead_of_failing(logged_in_client, fake, ids) -> None:
    fake.stop()

    search = logged_in_client.get(PAGE, {"type": "artist", "q": "neon"})
    want = logged_in_client.post(WANT, {"release_group_id": ids["group"]}, follow=True)

    assert search.status_code == 200
    assert "MusicBrainz is unavailable" in search.content.decode()
    assert any(m.startswith("MusicBrainz is unavailable") for m in _messages(want))
    assert not DownloadJob.objects.exists()


def test_an_over_long_query_is_refused_naming_the_field(logged_in_client, fake) -> None:
    response = logged_in_client.get(PAGE, {"type": "artist", "q": "x" * 501})

    assert "q is longer than 500 characters" in response.content.decode()
    assert fake.requests == []


def test_the_results_page_makes_the_same_queries_for_one_hit_or_many(
    logged_in_client, fake, ids
) -> None:
    def queries(q: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = logged_in_client.get(PAGE, {"type": "release", "q": q})
        assert response.status_code == 200
        return len(captured)

    one, many = queries("night drive"), queries("harbour lights")

    assert fake.requests_for("/ws/2/release/")  # both searches reached MusicBrainz
    assert one == many
