"""Library pages: the track list, scans with live progress, and query counts."""

from __future__ import annotations

import pytest
from django.test import Client

from library import services
from library.models import LibraryScan
from tests.factories import (
    AlbumFactory,
    DuplicateGroupFactory,
    LibraryScanFactory,
    ScanProblemFactory,
    TrackFactory,
    TrackFileFactory,
)
from tests.library.support import music_root, song

pytestmark = pytest.mark.django_db


def test_library_pages_need_a_login(user) -> None:
    response = Client().get("/library/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_library_is_in_the_navigation(logged_in_client: Client) -> None:
    assert 'href="/library/"' in logged_in_client.get("/").content.decode()


def test_the_track_list_searches_and_filters(logged_in_client: Client) -> None:
    TrackFileFactory(track=TrackFactory(title="Afterglow"), format="mp3")
    TrackFileFactory(track=TrackFactory(title="Intro"), format="flac", is_broken=True)

    everything = logged_in_client.get("/library/").content.decode()
    broken = logged_in_client.get("/library/?broken=1").content.decode()
    search = logged_in_client.get("/library/?q=glow&format=mp3").content.decode()

    assert "Afterglow" in everything and "Intro" in everything
    assert "Intro" in broken and "Afterglow" not in broken
    assert "Afterglow" in search and "Intro" not in search


def test_htmx_gets_only_the_results_fragment(logged_in_client: Client) -> None:
    TrackFactory(title="Afterglow")

    fragment = logged_in_client.get("/library/?q=after", headers={"HX-Request": "true"})

    body = fragment.content.decode()
    assert "Afterglow" in body and "<html" not in body and "<table>" in body


def _tracks(count: int) -> None:
    for _ in range(count):
        TrackFileFactory.create_batch(2, track=TrackFactory(album=AlbumFactory()))


@pytest.mark.parametrize("url", ["/library/", "/library/?duplicate=0&q=Song"])
def test_the_track_list_uses_the_same_queries_for_5_or_50_tracks(
    logged_in_client: Client, django_assert_max_num_queries, url: str
) -> None:
    _tracks(5)
    with django_assert_max_num_queries(15) as small:
        assert logged_in_client.get(url).status_code == 200
    _tracks(45)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert logged_in_client.get(url).status_code == 200


def test_the_scans_page_uses_the_same_queries_for_5_or_50_scans(
    logged_in_client: Client, django_assert_max_num_queries
) -> None:
    LibraryScanFactory.create_batch(5)
    with django_assert_max_num_queries(15) as small:
        assert logged_in_client.get("/library/scans/").status_code == 200
    LibraryScanFactory.create_batch(45)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert logged_in_client.get("/library/scans/").status_code == 200


def test_the_scan_page_uses_the_same_queries_for_5_or_50_problems(
    logged_in_client: Client, django_assert_max_num_queries
) -> None:
    scan = LibraryScanFactory()
    ScanProblemFactory.create_batch(5, scan=scan)
    with django_assert_max_num_queries(15) as small:
        assert logged_in_client.get(f"/library/scans/{scan.pk}/").status_code == 200
    ScanProblemFactory.create_batch(45, scan=scan)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert logged_in_client.get(f"/library/scans/{scan.pk}/").status_code == 200


def test_starting_a_scan_from_the_page_queues_it_and_shows_its_progress(
    logged_in_client: Client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = logged_in_client.post("/library/scans/", {"full": "1"})

    scan = LibraryScan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/library/scans/{scan.pk}/"
    assert scan.full and scan.requested_by == "web" and len(callbacks) == 1
    page = logged_in_client.get("/library/scans/").content.decode()
    assert 'hx-trigger="every 2s"' in page and "Scan now" not in page  # one at a time


def test_a_second_scan_from_the_page_is_refused_and_leads_to_the_running_one(
    logged_in_client: Client,
) -> None:
    running = services.start_scan(background=False)

    response = logged_in_client.post("/library/scans/", {}, follow=True)

    assert response.redirect_chain[-1][0] == f"/library/scans/{running.pk}/"
    assert "is already queued" in response.content.decode()
    assert LibraryScan.objects.count() == 1


def test_a_folder_outside_the_music_folder_is_refused_on_the_page(
    logged_in_client: Client,
) -> None:
    response = logged_in_client.post("/library/scans/", {"path": "/etc"}, follow=True)

    assert "not inside the music folder" in response.content.decode()
    assert not LibraryScan.objects.exists()


def test_progress_polls_while_running_and_stops_polling_when_done(
    logged_in_client: Client,
) -> None:
    song(music_root(), "A", "B", 1, "Song")
    scan = services.start_scan(background=False)
    htmx = {"HX-Request": "true"}

    running = logged_in_client.get(f"/library/scans/{scan.pk}/", headers=htmx)
    services.run_scan(scan.pk)
    done = logged_in_client.get(f"/library/scans/{scan.pk}/", headers=htmx)

    assert running.status_code == 200 and 'hx-trigger="every 2s"' in running.content.decode()
    assert done.status_code == 286  # htmx stops polling
    body = done.content.decode()
    assert "Completed" in body and "every 2s" not in body and "<html" not in body


def test_a_running_scan_can_be_cancelled_from_its_page(logged_in_client: Client) -> None:
    scan = services.start_scan(background=False)

    response = logged_in_client.post(f"/library/scans/{scan.pk}/cancel/", follow=True)

    scan.refresh_from_db()
    assert scan.status == LibraryScan.Status.CANCELLED
    assert "cancelled" in response.content.decode()


def test_other_library_pages_render(logged_in_client: Client) -> None:
    for url in ["/library/duplicates/", "/library/broken/", "/library/albums/incomplete/"]:
        assert logged_in_client.get(url).status_code == 200


def test_checking_albums_from_the_page_runs_in_the_background(
    logged_in_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    queued: list[tuple] = []
    monkeypatch.setattr("metadata.services.enqueue", lambda *args: queued.append(args))

    response = logged_in_client.post("/imports/albums/check/")

    assert response.status_code == 302 and queued == [("metadata.tasks.check_due_albums",)]


def test_actions_only_go_back_to_pages_of_this_site(logged_in_client: Client) -> None:
    group = DuplicateGroupFactory()
    url = f"/library/duplicates/{group.pk}/dismiss/"

    inside = logged_in_client.post(url, {"next": "/library/duplicates/?page=2"})
    outside = logged_in_client.post(url, {"next": "https://evil.example/"})

    assert inside["Location"] == "/library/duplicates/?page=2"
    assert outside["Location"] == "/library/duplicates/"
