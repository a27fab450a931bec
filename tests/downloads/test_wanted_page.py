"""The Wanted page: Missing and Cutoff unmet tabs, sorting, bulk search, query counts."""

from __future__ import annotations

import pytest
from django.test import Client

from downloads.models import DownloadJob
from library.models import QualityProfile
from tests.downloads.test_wanted import met_track, missing_track, unmet_track
from tests.factories import AlbumFactory, TrackFactory

pytestmark = pytest.mark.django_db


def test_the_wanted_page_needs_a_login_and_is_in_the_navigation(
    logged_in_client: Client,
) -> None:
    assert Client().get("/downloads/wanted/").status_code == 302
    page = logged_in_client.get("/downloads/wanted/").content.decode()
    assert 'href="/downloads/wanted/" aria-current="page">Wanted' in page


def test_each_tab_lists_its_tracks(logged_in_client: Client) -> None:
    missing_track(title="Lost Song")
    unmet_track(title="Lossy Song")
    met_track()

    missing = logged_in_client.get("/downloads/wanted/").content.decode()
    unmet = logged_in_client.get("/downloads/wanted/cutoff-unmet/").content.decode()

    assert "Lost Song" in missing and "Lossy Song" not in missing
    assert "Lossy Song" in unmet and "Lost Song" not in unmet
    assert "MP3 320" in unmet  # the best file's quality
    assert 'name="all" value="missing"' in missing
    assert 'name="all" value="cutoff_unmet"' in unmet


def test_the_columns_sort_both_ways_and_an_unknown_sort_is_ignored(
    logged_in_client: Client,
) -> None:
    missing_track(title="Aardvark")
    missing_track(title="Zebra")

    def order(query: str) -> bool:
        page = logged_in_client.get(f"/downloads/wanted/?{query}").content.decode()
        return page.index("Aardvark") < page.index("Zebra")

    assert order("sort=title") and not order("sort=-title")
    assert logged_in_client.get("/downloads/wanted/?sort=drop+table").status_code == 200
    assert (
        'href="?sort=-title"'
        in logged_in_client.get("/downloads/wanted/?sort=title").content.decode()
    )


def test_search_selected_queues_the_chosen_tracks(logged_in_client: Client) -> None:
    chosen, other = missing_track(), missing_track()

    response = logged_in_client.post(
        "/downloads/wanted/search/",
        {"track": [str(chosen.pk)], "next": "/downloads/wanted/?sort=title"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/downloads/wanted/?sort=title"
    assert "Search: 1 searches queued." in response.content.decode()
    assert list(DownloadJob.objects.values_list("track_id", flat=True)) == [chosen.pk]
    assert other.pk not in DownloadJob.objects.values_list("track_id", flat=True)


def test_search_all_queues_every_track_of_the_list_and_reports_the_skipped(
    logged_in_client: Client,
) -> None:
    tracks = [unmet_track() for _ in range(3)]
    missing_track()
    unmonitored = TrackFactory()

    response = logged_in_client.post(
        "/downloads/wanted/search/", {"all": "cutoff_unmet"}, follow=True
    )
    again = logged_in_client.post(
        "/downloads/wanted/search/", {"track": [str(unmonitored.pk)]}, follow=True
    )

    assert "3 searches queued" in response.content.decode()
    jobs = DownloadJob.objects.all()
    assert {job.track_id for job in jobs} == {t.pk for t in tracks}
    assert {job.purpose for job in jobs} == {"upgrade"}
    assert "never searched" in again.content.decode()


def test_searching_nothing_says_what_to_do(logged_in_client: Client) -> None:
    response = logged_in_client.post("/downloads/wanted/search/", {"all": "bogus"}, follow=True)

    assert "Select the tracks to search" in response.content.decode()
    assert not DownloadJob.objects.exists()


@pytest.mark.parametrize(
    "url", ["/downloads/wanted/", "/downloads/wanted/cutoff-unmet/?sort=-album"]
)
def test_the_wanted_page_takes_the_same_queries_for_5_or_50_rows(
    logged_in_client: Client, django_assert_max_num_queries, url: str
) -> None:
    def rows(n: int) -> None:
        for _ in range(n):
            missing_track(album=AlbumFactory())
            unmet_track(album=AlbumFactory())

    QualityProfile.get_default()
    rows(5)
    with django_assert_max_num_queries(15) as small:
        assert logged_in_client.get(url).status_code == 200
    rows(45)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert logged_in_client.get(url).status_code == 200
