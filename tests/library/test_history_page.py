"""The History page and the monitor toggle on the track list."""

from __future__ import annotations

import pytest
from django.test import Client

from library import history
from library.models import HistoryEvent, Track
from tests.factories import TrackFactory, TrackFileFactory

pytestmark = pytest.mark.django_db
Type = HistoryEvent.Type
HTMX = {"HX-Request": "true"}


def test_the_history_page_needs_a_login_and_is_in_the_navigation(
    logged_in_client: Client,
) -> None:
    assert Client().get("/library/history/").status_code == 302
    page = logged_in_client.get("/library/history/").content.decode()
    assert 'href="/library/history/" aria-current="page">History' in page


def test_the_history_page_lists_events_newest_first_and_filters_them(
    logged_in_client: Client,
) -> None:
    track = TrackFactory(title="Echo")
    history.record(Type.WANTED, "event-one", track=track)
    history.record(Type.GRABBED, "event-two", track=track, job_id=42)
    history.record(Type.RECYCLED, "event-three")

    page = logged_in_client.get("/library/history/").content.decode()
    grabbed = logged_in_client.get("/library/history/?type=grabbed").content.decode()
    of_track = logged_in_client.get(f"/library/history/?track={track.pk}").content.decode()
    of_job = logged_in_client.get("/library/history/?job=42").content.decode()

    assert page.index("event-three") < page.index("event-two") < page.index("event-one")
    assert 'href="/downloads/42/"' in page
    assert "event-two" in grabbed and "event-one" not in grabbed
    assert "event-one" in of_track and "event-three" not in of_track and "Echo" in of_track
    assert "event-two" in of_job and "event-one" not in of_job


@pytest.mark.parametrize(
    "query", ["type=nonsense", "track=abc", "job=-3", "track=99999999999999999999"]
)
def test_bad_filters_are_ignored(logged_in_client: Client, query: str) -> None:
    history.record(Type.WANTED, "still listed")

    page = logged_in_client.get(f"/library/history/?{query}")

    assert page.status_code == 200 and "still listed" in page.content.decode()


def test_the_history_page_takes_the_same_queries_for_5_or_50_events(
    logged_in_client: Client, django_assert_max_num_queries
) -> None:
    def events(n: int) -> None:
        for _ in range(n):
            history.record(Type.SEARCHED, "searched", track=TrackFactory(), job_id=1)

    events(5)
    with django_assert_max_num_queries(12) as small:
        assert logged_in_client.get("/library/history/?type=searched").status_code == 200
    events(45)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert logged_in_client.get("/library/history/?type=searched").status_code == 200


# --- the monitor toggle on the track list -------------------------------------------------------


def test_each_track_row_has_a_monitor_toggle(logged_in_client: Client) -> None:
    TrackFactory(title="Echo", monitored=True)
    TrackFactory(title="Intro")

    page = logged_in_client.get("/library/").content.decode()

    assert page.count("/monitor/") >= 2
    assert "✓ Monitored" in page and ">Monitor</button>" in page


def test_the_toggle_monitors_and_unmonitors_through_the_service(logged_in_client: Client) -> None:
    track = TrackFactory()

    response = logged_in_client.post(
        f"/library/tracks/{track.pk}/monitor/", {"monitored": "1", "next": "/library/?q=x"}
    )

    assert response.status_code == 302 and response["Location"] == "/library/?q=x"
    track.refresh_from_db()
    assert track.monitored and track.status == Track.Status.WANTED
    logged_in_client.post(f"/library/tracks/{track.pk}/monitor/", {"monitored": "0"})
    track.refresh_from_db()
    assert not track.monitored and track.status == Track.Status.KNOWN
    assert list(HistoryEvent.objects.order_by("pk").values_list("type", flat=True)) == [
        "monitored",
        "unmonitored",
    ]


def test_htmx_gets_the_row_back_with_its_new_state(logged_in_client: Client) -> None:
    track = TrackFactory(title="Echo")
    TrackFileFactory(track=track, path="/music/echo.flac")

    response = logged_in_client.post(
        f"/library/tracks/{track.pk}/monitor/",
        {"monitored": "1", "next": "/library/"},
        headers=HTMX,
    )

    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert body.strip().startswith(f'<tr id="track-{track.pk}">')
    assert "✓ Monitored" in body and 'name="monitored" value="0"' in body
    assert 'name="next" value="/library/"' in body and "/music/echo.flac" in body


def test_the_toggle_needs_a_post_and_an_existing_track(logged_in_client: Client) -> None:
    track = TrackFactory()
    assert logged_in_client.get(f"/library/tracks/{track.pk}/monitor/").status_code == 405
    assert logged_in_client.post("/library/tracks/999999/monitor/").status_code == 404
