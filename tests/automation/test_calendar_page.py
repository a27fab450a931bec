"""The calendar page: watched artists' release groups by week, the window, the feed URL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from automation.models import CalendarToken
from tests.automation.calendar_support import album_with_tracks, release_group, watch

pytestmark = pytest.mark.django_db


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def test_the_page_groups_release_groups_by_week(logged_in_client: Client) -> None:
    today = timezone.localdate()
    band = watch("Band")
    release_group(band, "This week", today)
    release_group(band, "In three weeks", today + timedelta(days=21))

    response = logged_in_client.get("/calendar/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/calendar/"' in html  # in the navigation
    assert html.count("<h2>Week of") == 2
    assert f"Week of {_monday(today):%a %-d %b %Y}" in html
    assert html.index("This week") < html.index("In three weeks")
    assert f'href="/artists/{band.artist_id}/"' in html


def test_the_window_comes_from_the_query(logged_in_client: Client) -> None:
    band = watch()
    release_group(band, "2019 record", date(2019, 5, 1))

    html = logged_in_client.get("/calendar/?start=2019-01-01&end=2019-12-31").content.decode()

    assert "2019 record" in html and "upcoming" not in html


@pytest.mark.parametrize(
    "query", ["start=nonsense", "start=2020-01-01&end=2022-01-01", "end=" + "9" * 30]
)
def test_a_bad_window_is_a_400_with_the_reason(logged_in_client: Client, query: str) -> None:
    response = logged_in_client.get(f"/calendar/?{query}")

    assert response.status_code == 400
    assert 'class="bad card"' in response.content.decode()


def test_the_feed_url_is_made_and_replaced_from_the_page(
    logged_in_client: Client, user: object
) -> None:
    assert "No feed URL yet." in logged_in_client.get("/calendar/").content.decode()

    logged_in_client.post("/calendar/token/")
    first = CalendarToken.objects.get(user=user).token
    html = logged_in_client.get("/calendar/").content.decode()
    assert f"/api/calendar.ics?token={first}" in html

    logged_in_client.post("/calendar/token/")
    assert CalendarToken.objects.get(user=user).token != first
    assert logged_in_client.get(f"/api/calendar.ics?token={first}").status_code == 404


def test_the_page_needs_the_same_queries_for_more_entries(logged_in_client: Client) -> None:
    today = timezone.localdate()
    release_group(watch(), "One", today)
    logged_in_client.get("/calendar/")
    with CaptureQueriesContext(connection) as few:
        logged_in_client.get("/calendar/")
    for n in range(12):
        other = watch(f"Other {n}")
        album = album_with_tracks(other.artist, f"Rec {n}", owned=1, known=2)
        release_group(other, f"Rec {n}", today + timedelta(days=n * 3), album=album)
    with CaptureQueriesContext(connection) as many:
        html = logged_in_client.get("/calendar/").content.decode()

    assert "Rec 11" in html
    assert len(many) == len(few)
