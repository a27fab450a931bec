"""The wanted lists (missing, cutoff unmet) and searching them: rows, sorting, jobs, refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from downloads import services
from downloads.models import DownloadJob
from library.models import QualityProfile, Track
from tests.factories import AlbumFactory, DownloadJobFactory, TrackFactory, TrackFileFactory

pytestmark = pytest.mark.django_db
Purpose = DownloadJob.Purpose
Status = Track.Status


def missing_track(**fields: object) -> Track:
    fields = {"monitored": True, "status": Status.WANTED, "want_source": "typed", **fields}
    return TrackFactory(**fields)


def unmet_track(quality: str = "mp3_320", **fields: object) -> Track:
    track = TrackFactory(monitored=True, status=Status.OWNED, want_source="album", **fields)
    TrackFileFactory(track=track, format="mp3", quality=quality)
    return track


def met_track() -> Track:
    track = TrackFactory(monitored=True, status=Status.OWNED)
    TrackFileFactory(track=track, quality="flac")
    return track


def _search(client: Client, body: dict) -> object:
    return client.post("/api/wanted/search", body, content_type="application/json")


# --- the lists ----------------------------------------------------------------------------------


def test_missing_lists_monitored_tracks_without_a_healthy_file(api_client: Client) -> None:
    searched = timezone.now() - timedelta(days=1)
    album = AlbumFactory(title="Waves")
    track = missing_track(title="Echo", artist__name="Nu", album=album, last_searched_at=searched)
    broken_only = missing_track(status=Status.OWNED)
    TrackFileFactory(track=broken_only, is_broken=True, quality="flac")
    TrackFactory(status=Status.WANTED)  # not monitored
    unmet_track()
    met_track()

    body = api_client.get("/api/wanted/missing").json()

    assert body["count"] == 2
    row = next(item for item in body["items"] if item["track_id"] == track.pk)
    assert row == {
        "track_id": track.pk,
        "artist": "Nu",
        "album": "Waves",
        "title": "Echo",
        "quality": None,
        "monitored_source": "typed",
        "last_searched_at": row["last_searched_at"],
        "wanted_at": None,
        "search_failures": 0,
        "next_search_at": None,
    }
    assert row["last_searched_at"].startswith(searched.date().isoformat())
    assert {item["track_id"] for item in body["items"]} == {track.pk, broken_only.pk}


def test_cutoff_unmet_lists_tracks_below_cutoff_with_their_best_quality(
    api_client: Client,
) -> None:
    track = unmet_track("mp3_192")
    TrackFileFactory(track=track, format="mp3", quality="mp3_320")
    TrackFileFactory(track=track, is_broken=True, quality="flac")  # broken: does not count
    missing_track()
    met_track()

    body = api_client.get("/api/wanted/cutoff-unmet").json()

    assert body["count"] == 1
    (row,) = body["items"]
    assert row["track_id"] == track.pk and row["monitored_source"] == "album"
    assert row["quality"] == {"key": "mp3_320", "label": "MP3 320"}


def test_the_best_file_is_ranked_on_the_tracks_own_profile() -> None:
    QualityProfile.get_default()
    odd = QualityProfile.objects.create(
        name="Small first", ladder=["flac", "mp3_192", "mp3_320"], cutoff="flac"
    )
    track = unmet_track("mp3_320", quality_profile=odd)
    TrackFileFactory(track=track, format="mp3", quality="mp3_192")

    row = Track.objects.cutoff_unmet().wanted_rows().get()

    assert row.pk == track.pk and row.best_quality == "mp3_192"


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", ["A", "B", "C"]),
        ("-title", ["C", "B", "A"]),
        ("last_searched", ["B", "A", "C"]),  # never searched first
        ("-last_searched", ["C", "A", "B"]),
        ("-wanted_at", ["A", "C", "B"]),
    ],
)
def test_the_lists_sort_by_a_column_either_way(
    api_client: Client, sort: str, expected: list[str]
) -> None:
    now = timezone.now()
    missing_track(title="A", last_searched_at=now - timedelta(days=2), wanted_at=now)
    missing_track(title="B", wanted_at=now - timedelta(days=9))
    missing_track(title="C", last_searched_at=now, wanted_at=now - timedelta(days=1))

    body = api_client.get(f"/api/wanted/missing?sort={sort}").json()

    assert [item["title"] for item in body["items"]] == expected


def test_the_lists_sort_by_artist_then_album_by_default(api_client: Client) -> None:
    missing_track(title="One", artist__name="Zed")
    missing_track(title="Two", artist__name="Abba")

    body = api_client.get("/api/wanted/missing").json()

    assert [item["artist"] for item in body["items"]] == ["Abba", "Zed"]


@pytest.mark.parametrize("url", ["/api/wanted/missing", "/api/wanted/cutoff-unmet"])
def test_an_unknown_sort_is_a_422(api_client: Client, url: str) -> None:
    response = api_client.get(f"{url}?sort=popularity")

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "sort"


@pytest.mark.parametrize("url", ["/api/wanted/missing", "/api/wanted/cutoff-unmet"])
def test_the_lists_take_the_same_queries_for_5_or_50_rows(
    api_client: Client, django_assert_max_num_queries, url: str
) -> None:
    def rows(n: int) -> None:
        for _ in range(n):
            missing_track(album=AlbumFactory())
            unmet_track(album=AlbumFactory())

    QualityProfile.get_default()  # created once, by whichever request comes first
    rows(5)
    # 3 of them authenticate the key: its lockout check, its lookup, its last-used time.
    with django_assert_max_num_queries(7) as small:
        assert len(api_client.get(url).json()["items"]) == 5
    rows(45)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(api_client.get(url).json()["items"]) == 50


# --- searching ----------------------------------------------------------------------------------


def test_searching_a_missing_track_queues_a_want_and_a_track_below_cutoff_an_upgrade(
    api_client: Client,
) -> None:
    profile = QualityProfile.objects.create(name="Mine", ladder=["flac", "mp3_320"], cutoff="flac")
    missing, unmet = missing_track(), unmet_track(quality_profile=profile)

    response = _search(api_client, {"track_ids": [missing.pk, unmet.pk]})

    assert response.status_code == 202
    body = response.json()
    assert body["skipped"] == [] and len(body["jobs"]) == 2
    want, upgrade = (DownloadJob.objects.get(pk=pk) for pk in body["jobs"])
    assert (want.track_id, want.purpose, want.status) == (missing.pk, Purpose.WANT, "queued")
    assert (upgrade.track_id, upgrade.purpose) == (unmet.pk, Purpose.UPGRADE)
    assert upgrade.quality_profile_id == profile.pk
    unmet.refresh_from_db()
    assert unmet.status == Status.OWNED  # an upgrade never makes an owned track "wanted"


def test_a_track_that_lost_its_file_is_wanted_again() -> None:
    track = missing_track(status=Status.OWNED)
    TrackFileFactory(track=track, is_missing=True)

    result = services.search_wanted_tracks([track.pk])

    track.refresh_from_db()
    assert len(result.jobs) == 1 and track.status == Status.WANTED


def test_searching_never_makes_a_second_live_job(api_client: Client) -> None:
    track = missing_track()
    first = _search(api_client, {"track_ids": [track.pk]}).json()

    again = _search(api_client, {"track_ids": [track.pk, track.pk]}).json()
    everything = _search(api_client, {"all": "missing"}).json()

    assert len(first["jobs"]) == 1
    for body in (again, everything):
        assert body["jobs"] == []
        (skip,) = body["skipped"]
        assert skip["item"] == f"#{track.pk} {track}"
        assert f"job #{first['jobs'][0]}" in skip["reason"]
    assert DownloadJob.objects.count() == 1


def test_unmonitored_unknown_and_satisfied_tracks_are_skipped_with_the_reason() -> None:
    unmonitored = TrackFactory(status=Status.WANTED)
    satisfied = met_track()

    result = services.search_wanted_tracks([unmonitored.pk, 999_999, satisfied.pk])

    assert result.jobs == []
    reasons = {skip.item: skip.reason for skip in result.skipped}
    assert reasons == {
        f"#{unmonitored.pk} {unmonitored}": "not monitored: unmonitored tracks are never searched",
        "#999999": "no such track",
        f"#{satisfied.pk} {satisfied}": "it has a healthy file that meets its quality cutoff",
    }
    assert not DownloadJob.objects.exists()


def test_search_all_takes_every_track_of_one_list(api_client: Client) -> None:
    missing = [missing_track() for _ in range(3)]
    unmet = [unmet_track() for _ in range(2)]
    TrackFactory(status=Status.WANTED)  # unmonitored: never searched
    met_track()
    DownloadJobFactory(track=missing[0], status=DownloadJob.Status.PAUSED)

    wants = _search(api_client, {"all": "missing"}).json()
    upgrades = _search(api_client, {"all": "cutoff_unmet"}).json()

    assert len(wants["jobs"]) == 2 and len(wants["skipped"]) == 1
    assert {job.track_id for job in DownloadJob.objects.filter(pk__in=wants["jobs"])} == {
        t.pk for t in missing[1:]
    }
    jobs = DownloadJob.objects.filter(pk__in=upgrades["jobs"])
    assert {job.track_id for job in jobs} == {t.pk for t in unmet}
    assert {job.purpose for job in jobs} == {Purpose.UPGRADE}


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"track_ids": [1], "all": "missing"},
        {"track_ids": []},
        {"track_ids": list(range(1, 1002))},
        {"track_ids": [0]},
        {"track_ids": [2**63]},
        {"all": "everything"},
    ],
)
def test_a_bad_search_request_is_a_422_and_queues_nothing(api_client: Client, body: dict) -> None:
    missing_track()

    response = _search(api_client, body)

    assert response.status_code == 422
    assert not DownloadJob.objects.exists()


def test_five_hundred_ids_are_accepted_and_more_are_a_422(api_client: Client) -> None:
    response = _search(api_client, {"track_ids": list(range(1, 501))})

    assert response.status_code == 202 and len(response.json()["skipped"]) == 500
    assert _search(api_client, {"track_ids": list(range(1, 502))}).status_code == 422
