"""The want history: the events the library records, `GET /api/history`, and the log line."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from library import catalog, history, services
from library.models import HistoryEvent, Track, TrackFile
from soulspot.lib.logging import JsonFormatter
from tests.factories import TrackFactory, TrackFileFactory
from tests.library.support import music_root, song

pytestmark = pytest.mark.django_db
Type = HistoryEvent.Type


def _event(type: str, at_days_ago: int = 0, **fields: object) -> HistoryEvent:
    event = history.record(type, f"{type} event", **fields)
    HistoryEvent.objects.filter(pk=event.pk).update(at=timezone.now() - timedelta(days=at_days_ago))
    return event


# --- the API ------------------------------------------------------------------------------------


def test_the_history_comes_newest_first_with_each_events_facts(api_client: Client) -> None:
    track = TrackFactory()
    old = _event(Type.WANTED, 3, track=track)
    new = _event(Type.GRABBED, 1, track=track, job_id=7, user="peer", file="a.flac")

    body = api_client.get("/api/history").json()

    assert body["count"] == 2
    assert [item["id"] for item in body["items"]] == [new.pk, old.pk]
    first = body["items"][0]
    assert first | {"at": None} == {
        "id": new.pk,
        "type": "grabbed",
        "at": None,
        "track_id": track.pk,
        "job_id": 7,
        "message": "grabbed event",
        "detail": {"user": "peer", "file": "a.flac"},
    }


def test_the_history_filters_by_track_job_and_type(api_client: Client) -> None:
    one, two = TrackFactory(), TrackFactory()
    wanted = _event(Type.WANTED, track=one)
    searched = _event(Type.SEARCHED, track=one, job_id=5)
    _event(Type.SEARCHED, track=two, job_id=6)

    def ids(query: str) -> list[int]:
        return [item["id"] for item in api_client.get(f"/api/history?{query}").json()["items"]]

    assert sorted(ids(f"track_id={one.pk}")) == sorted([wanted.pk, searched.pk])
    assert ids("job_id=5") == [searched.pk]
    assert ids(f"type=searched&track_id={one.pk}") == [searched.pk]
    assert ids("type=upgraded") == []


@pytest.mark.parametrize("query", ["type=exploded", "track_id=0", "job_id=-1", "limit=501"])
def test_bad_history_filters_are_a_422(api_client: Client, query: str) -> None:
    assert api_client.get(f"/api/history?{query}").status_code == 422


def test_the_history_takes_the_same_queries_for_5_or_50_events(
    api_client: Client, django_assert_max_num_queries
) -> None:
    def events(n: int) -> None:
        for _ in range(n):
            _event(Type.GRABBED, track=TrackFactory(), job_id=1)

    events(5)
    with django_assert_max_num_queries(5) as small:
        assert len(api_client.get("/api/history").json()["items"]) == 5
    events(45)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(api_client.get("/api/history").json()["items"]) == 50


# --- what the library records -------------------------------------------------------------------


def test_a_new_want_is_recorded_once() -> None:
    track = TrackFactory(title="Echo", artist__name="Nu")

    catalog.mark_wanted(track)
    catalog.mark_wanted(track)

    (event,) = HistoryEvent.objects.all()
    assert (event.type, event.track_id, event.message) == ("wanted", track.pk, "Wanted Nu – Echo")
    assert event.detail == {"source": "typed"}


def test_wanting_an_owned_track_again_is_recorded_as_such() -> None:
    track = TrackFactory(title="Echo", artist__name="Nu", status=Track.Status.OWNED, monitored=True)

    catalog.mark_wanted(track, force=True)

    assert HistoryEvent.objects.get().message == "Wanted Nu – Echo again"


def test_recycling_a_file_is_recorded_with_where_it_went(settings, tmp_path: Path) -> None:
    settings.SOULSPOT_RECYCLE_DIR = tmp_path / "recycle"
    path = song(music_root(), "Nu", "Waves", 1, "Echo", ext="mp3", seconds=2)
    track = TrackFactory()
    file = TrackFileFactory(track=track, path=str(path))

    result = services.recycle_files([file.pk], reason="broken file")

    event = HistoryEvent.objects.get(type=Type.RECYCLED)
    assert event.track_id == track.pk and event.detail["path"] == str(path)
    assert event.detail["recycled_to"] == result.moved[0]["recycled_to"]
    assert event.detail["reason"] == "broken file"


def test_a_file_already_gone_is_not_recorded_as_recycled(settings, tmp_path: Path) -> None:
    settings.SOULSPOT_RECYCLE_DIR = tmp_path / "recycle"
    file = TrackFileFactory(path=str(music_root() / "gone.flac"))

    services.recycle_files([file.pk], reason="broken file")

    assert TrackFile.objects.get(pk=file.pk).is_missing
    assert not HistoryEvent.objects.exists()


# --- the log line -------------------------------------------------------------------------------


def test_an_event_caused_by_a_request_logs_one_json_line_with_the_request_id(
    api_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    track = TrackFactory()

    with caplog.at_level(logging.INFO, logger="soulspot.activity"):
        response = api_client.patch(
            f"/api/library/tracks/{track.pk}",
            {"monitored": True},
            content_type="application/json",
            headers={"X-Request-ID": "req-monitor-1"},
        )

    assert response.status_code == 200
    (record,) = [r for r in caplog.records if r.name == "soulspot.activity"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-monitor-1" == response["X-Request-ID"]
    assert (line["event"], line["track_id"], line["job_id"]) == ("monitored", track.pk, None)
    assert line["message"] == f"Monitored {track}"
    assert line["detail"] == {"via": "track", "via_id": track.pk}


def test_an_event_outside_a_request_logs_without_a_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="soulspot.activity"):
        history.record(Type.SEARCHED, "Searched", job_id=3, query="nu echo")

    (record,) = caplog.records
    line = json.loads(JsonFormatter().format(record))
    assert "request_id" not in line
    assert (line["event"], line["job_id"], line["detail"]) == ("searched", 3, {"query": "nu echo"})
