"""The release calendar over the API: `GET /api/calendar` (window, states, pages) and the
iCal feed `GET /api/calendar.ics?token=` parsed back strictly (CRLF, folding, escaping)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from automation import calendar
from automation.models import CalendarToken, ReleaseGroup
from tests.automation.calendar_support import album_with_tracks, release_group, watch

pytestmark = pytest.mark.django_db


def _today() -> date:
    return timezone.localdate()


def _days(n: int) -> date:
    return _today() + timedelta(days=n)


# --- GET /api/calendar -----------------------------------------------------------------------


def test_the_default_window_is_30_days_back_to_90_ahead(api_client: Client) -> None:
    band = watch("Band")
    for title, offset in [("Too old", -31), ("Recent", -30), ("Next", 90), ("Too far", 91)]:
        release_group(band, title, _days(offset))

    body = api_client.get("/api/calendar").json()

    assert [item["title"] for item in body["items"]] == ["Recent", "Next"]
    assert body["count"] == 2


def test_each_entry_says_owned_wanted_upcoming_or_released(api_client: Client) -> None:
    band = watch("Band")
    full = album_with_tracks(band.artist, "Full", owned=3, known=3)
    half = album_with_tracks(band.artist, "Half", owned=1, known=2)
    release_group(band, "Full", _days(-10), album=full, state=ReleaseGroup.State.WANTED)
    release_group(band, "Half", _days(-9), album=half, state=ReleaseGroup.State.WANTED)
    release_group(band, "Old single", _days(-8), primary_type="single")
    release_group(band, "Soon", _days(20), state=ReleaseGroup.State.WAITING)

    items = {i["title"]: i for i in api_client.get("/api/calendar").json()["items"]}

    assert {t: i["state"] for t, i in items.items()} == {
        "Full": "owned",
        "Half": "wanted",
        "Old single": "released",
        "Soon": "upcoming",
    }
    assert (items["Half"]["owned_tracks"], items["Half"]["album_tracks"]) == (1, 2)
    assert items["Soon"]["release_group_state"] == "waiting"
    assert items["Full"]["artist"] == "Band" and items["Full"]["artist_id"] == band.artist_id


def test_start_and_end_choose_the_window(api_client: Client) -> None:
    band = watch()
    release_group(band, "2019 record", date(2019, 5, 1))
    release_group(band, "2020 record", date(2020, 5, 1))

    body = api_client.get("/api/calendar?start=2019-01-01&end=2019-12-31").json()

    assert [i["title"] for i in body["items"]] == ["2019 record"]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("start=2020-01-01&end=2021-03-01", 400),  # 425 days
        ("start=2020-05-01&end=2020-04-01", 400),
        ("start=yesterday", 422),
        ("start=" + "9" * 30, 422),
    ],
)
def test_a_bad_window_is_refused(api_client: Client, query: str, status: int) -> None:
    response = api_client.get(f"/api/calendar?{query}")

    assert response.status_code == status
    assert "detail" in response.json()


def test_the_calendar_needs_the_api_key(client: Client) -> None:
    assert client.get("/api/calendar").status_code == 401


def test_the_calendar_needs_the_same_queries_for_more_entries(api_client: Client) -> None:
    band = watch()
    release_group(band, "One", _days(-1))
    with CaptureQueriesContext(connection) as few:
        api_client.get("/api/calendar")
    for n in range(15):
        other = watch(f"Other {n}")
        album = album_with_tracks(other.artist, f"Record {n}", owned=1, known=2)
        release_group(other, f"Record {n}", _days(n), album=album)
    with CaptureQueriesContext(connection) as many:
        body = api_client.get("/api/calendar").json()

    assert body["count"] == 16
    assert len(many) == len(few)


# --- the iCal feed ---------------------------------------------------------------------------


def _unfold(text: str) -> list[str]:
    """Strict RFC 5545 reading: CRLF only, no line over 75 octets, continuations start with
    one space; returns the unfolded content lines."""
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    assert not any("\n" in line or "\r" in line for line in physical), "bare LF or CR"
    assert all(len(line.encode()) <= 75 for line in physical), "a line longer than 75 octets"
    lines: list[str] = []
    for line in physical:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def _events(lines: list[str]) -> list[dict[str, str]]:
    events, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name] = value
    return events


def _unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def _feed(client: Client, user: object, query: str = "") -> str:
    token = calendar.calendar_token_for(user).token
    response = client.get(f"/api/calendar.ics?token={token}{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return response.content.decode()


def test_the_feed_is_valid_ical_with_one_all_day_event_per_release_group(
    client: Client, user: object
) -> None:
    band = watch("Sigur Rós; Friends, and \\ others")
    long_title = "Ágætis byrjun " * 8  # multi-byte characters across the 75-octet folds
    rg = release_group(band, long_title.strip(), _days(3), secondary_types=["live"])
    release_group(band, "Older", _days(-3), primary_type="ep")

    lines = _unfold(_feed(client, user))

    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    events = {e["UID"]: e for e in _events(lines)}
    assert len(events) == 2
    event = events[f"{rg.musicbrainz_id}@soulspot"]
    assert event["DTSTART;VALUE=DATE"] == _days(3).strftime("%Y%m%d")
    assert event["DTEND;VALUE=DATE"] == _days(4).strftime("%Y%m%d")
    assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"])
    assert _unescape(event["SUMMARY"]) == (
        f"Sigur Rós; Friends, and \\ others – {long_title.strip()} (album, live)"
    )
    assert "\\;" in event["SUMMARY"] and "\\," in event["SUMMARY"] and "\\\\" in event["SUMMARY"]


def test_a_release_group_of_two_watched_artists_is_one_event(client: Client, user: object) -> None:
    release_group(watch("A"), "Together", _days(1), musicbrainz_id="shared-id")
    release_group(watch("B"), "Together", _days(1), musicbrainz_id="shared-id")

    events = _events(_unfold(_feed(client, user)))

    assert [e["UID"] for e in events] == ["shared-id@soulspot"]


def test_the_feed_takes_the_same_window(client: Client, user: object) -> None:
    band = watch()
    release_group(band, "2019 record", date(2019, 5, 1))
    release_group(band, "Now", _days(0))

    events = _events(_unfold(_feed(client, user, "&start=2019-01-01&end=2019-12-31")))

    assert [e["SUMMARY"] for e in events] == ["Band – 2019 record (album)"]


@pytest.mark.parametrize("token", ["", "wrong", "x" * 100, "a\x00b"])
def test_a_wrong_or_missing_token_is_a_404(client: Client, user: object, token: str) -> None:
    calendar.calendar_token_for(user)
    release_group(watch(), "Secret", _days(1))

    response = client.get("/api/calendar.ics", {"token": token} if token else {})

    assert response.status_code == 404
    assert "Secret" not in response.content.decode()


def test_a_rotated_token_stops_the_old_url(client: Client, user: object) -> None:
    old = calendar.calendar_token_for(user).token
    new = calendar.rotate_calendar_token(user).token

    assert new != old
    assert client.get(f"/api/calendar.ics?token={old}").status_code == 404
    assert client.get(f"/api/calendar.ics?token={new}").status_code == 200


def test_an_inactive_users_token_is_a_404(client: Client, user: object) -> None:
    token = calendar.calendar_token_for(user).token
    user.is_active = False
    user.save()

    assert client.get(f"/api/calendar.ics?token={token}").status_code == 404
    assert CalendarToken.objects.count() == 1


def test_fold_never_splits_a_character_and_keeps_lines_within_75_octets() -> None:
    line = "SUMMARY:" + "é" * 100 + "x" * 3
    folded = calendar.fold(line)

    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert parts[0] + "".join(p[1:] for p in parts[1:]) == line
    assert all(p.startswith(" ") for p in parts[1:])
