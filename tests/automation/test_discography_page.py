"""The artist's "complete discography" page: the gaps from MusicBrainz, wanted all or ticked."""

from __future__ import annotations

import pytest

from automation.models import WatchedArtist
from downloads.models import DownloadJob
from fakes.metadata_services import FakeMusicBrainz
from tests.automation.watch_support import ARTIST, add_discography
from tests.factories import ArtistFactory
from tests.metadata_support import catalog, fake_fixture

pytestmark = pytest.mark.django_db
fake = fake_fixture(FakeMusicBrainz)
__all__ = ["catalog"]  # fixtures


@pytest.fixture
def artist(catalog):
    disco = add_discography(catalog)
    return ArtistFactory(name=ARTIST, musicbrainz_id=disco.artist_id)


def test_the_page_lists_the_missing_release_groups(logged_in_client, fake, artist) -> None:
    page = logged_in_client.get(f"/artists/{artist.pk}/discography/").content.decode()
    assert "First Light" in page and "Second Sun" in page
    assert "Alive in Leeds" not in page and "Best Of" not in page  # live, compilation


def test_wanting_the_ticked_one_wants_only_it(logged_in_client, fake, artist, catalog) -> None:
    second = next(g.id for g in catalog.release_groups.values() if g.title == "Second Sun")
    answer = logged_in_client.post(
        f"/artists/{artist.pk}/discography/", {"release_group": [second]}
    )
    assert answer.status_code == 302
    jobs = DownloadJob.objects.filter(kind=DownloadJob.Kind.ALBUM)
    assert list(jobs.values_list("album__title", flat=True)) == ["Second Sun"]


def test_want_all_wants_every_gap(logged_in_client, fake, artist) -> None:
    logged_in_client.post(f"/artists/{artist.pk}/discography/", {"all": "1"})
    assert DownloadJob.objects.filter(kind=DownloadJob.Kind.ALBUM).count() == 2


def test_an_artist_without_a_musicbrainz_id_is_told_why(logged_in_client) -> None:
    plain = ArtistFactory(musicbrainz_id="")
    page = logged_in_client.get(f"/artists/{plain.pk}/discography/").content.decode()
    assert "MusicBrainz search" in page


def test_watch_on_a_musicbrainz_search_result_watches_the_artist(
    logged_in_client, fake, catalog
) -> None:
    disco = add_discography(catalog)
    answer = logged_in_client.post("/artists/watch/", {"musicbrainz_id": disco.artist_id})
    watch = WatchedArtist.objects.get(musicbrainz_id=disco.artist_id)
    assert answer.status_code == 302 and answer["Location"] == f"/artists/{watch.artist_id}/"
    assert watch.artist.name == ARTIST and watch.want == "future"


def test_watching_an_unknown_artist_says_why(logged_in_client, fake) -> None:
    answer = logged_in_client.post(
        "/artists/watch/", {"musicbrainz_id": "00000000-0000-0000-0000-000000000000"}, follow=True
    )
    assert not WatchedArtist.objects.exists()
    assert "musicbrainz_id" in answer.content.decode()
