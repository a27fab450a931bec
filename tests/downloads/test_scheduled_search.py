"""Scheduled searches of the wanted lists: due tracks only, oldest-searched first, within the
search budget, one search at a time, and per-track backoff that a landed file resets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from downloads import services, tasks
from downloads.engine import handoff
from downloads.models import DownloadJob
from downloads.services.search_backoff import search_backoff_seconds
from downloads.services.wanted import search_due_wanted
from library.models import Track
from tests.downloads.scheduled_search_support import (
    WORDS,
    budget,
    missing,
    network,
    queued_track_ids,
)
from tests.engine_support import all_settled, run_engine_until
from tests.factories import ArtistFactory, TrackFactory, TrackFileFactory

pytestmark = pytest.mark.django_db(transaction=True)
Status = DownloadJob.Status
HOUR = 3600


def _row(client: Client, track: Track) -> dict:
    body = client.get("/api/wanted/missing?sort=title").json()
    return next(item for item in body["items"] if item["track_id"] == track.pk)


def test_the_backoff_grows_with_each_fruitless_search_and_stops_at_30_days() -> None:
    waits = [search_backoff_seconds(n) for n in range(0, 10)]
    assert waits[:8] == [
        0,
        HOUR,
        6 * HOUR,
        24 * HOUR,
        72 * HOUR,
        168 * HOUR,
        336 * HOUR,
        720 * HOUR,
    ]
    assert waits[8:] == [720 * HOUR, 720 * HOUR]


def test_a_run_leaves_room_for_jobs_already_queued(slskd_factory, settings, tmp_path) -> None:
    slskd_factory(network(tmp_path / "net", []))
    budget(settings, 5, 600)
    services.queue_track_download(artist="Rho", title="Typed", duration_ms=5000)
    services.queue_track_download(artist="Rho", title="Typed too", duration_ms=5000)
    artist = ArtistFactory(name="Rho")
    for title in WORDS[:6]:
        missing(title, artist=artist)

    result = search_due_wanted("missing")

    assert len(result.jobs) == 3  # five left in the window, two of them for the typed wants


def test_a_run_skips_tracks_backing_off_or_searched_recently_and_takes_the_oldest_first(
    slskd_factory, settings, tmp_path
) -> None:
    slskd_factory(network(tmp_path / "net", []))
    budget(settings, 3, 600)
    settings.SEARCH_MISSING_HOURS = 24
    now = timezone.now()
    artist = ArtistFactory(name="Rho")
    backing_off = missing("Waiting", artist=artist, next_search_at=now + timedelta(hours=5))
    recent = missing("Recent", artist=artist, last_searched_at=now - timedelta(hours=2))
    old = missing("Old", artist=artist, last_searched_at=now - timedelta(days=9))
    older = missing("Older", artist=artist, last_searched_at=now - timedelta(days=30))
    back_from_backoff = missing(
        "Back",
        artist=artist,
        last_searched_at=now - timedelta(days=3),
        next_search_at=now - timedelta(minutes=1),
    )
    never = missing("Never", artist=artist)
    missing("Unmonitored", artist=artist, monitored=False)

    result = search_due_wanted("missing")

    jobs = DownloadJob.objects.in_bulk(result.jobs)
    assert [jobs[pk].track_id for pk in result.jobs] == [never.pk, older.pk, old.pk]
    assert backing_off.pk not in queued_track_ids() and recent.pk not in queued_track_ids()
    assert back_from_backoff.pk not in queued_track_ids()  # the budget ran out first


def test_the_schedules_are_off_at_zero_hours_and_without_slskd(
    slskd_factory, settings, tmp_path
) -> None:
    artist = ArtistFactory(name="Rho")
    missing("Alfa", artist=artist)
    assert tasks.search_missing_on_schedule() == "nothing to search"  # slskd not configured
    slskd_factory(network(tmp_path / "net", []))
    settings.SEARCH_MISSING_HOURS = 0
    assert tasks.search_missing_on_schedule() == "nothing to search"
    settings.SEARCH_MISSING_HOURS = 24
    assert tasks.search_missing_on_schedule() == "1 searches queued"


def test_cutoff_unmet_tracks_are_searched_for_an_upgrade_on_schedule(
    slskd_factory, settings, tmp_path
) -> None:
    slskd_factory(network(tmp_path / "net", []))
    budget(settings, 10, 600)
    track = TrackFactory(monitored=True, status=Track.Status.OWNED)
    TrackFileFactory(track=track, format="mp3", quality="mp3_192")
    missing("Alfa")  # the missing list's, not this one's

    assert tasks.search_cutoff_unmet_on_schedule() == "1 searches queued"

    job = DownloadJob.objects.get()
    assert (job.track_id, job.purpose) == (track.pk, DownloadJob.Purpose.UPGRADE)


def test_a_track_never_found_backs_off_longer_each_time_and_a_manual_search_ignores_it(
    slskd_factory, settings, tmp_path, api_client: Client
) -> None:
    slskd_factory(network(tmp_path / "net", ["Something else"]))
    budget(settings, 30, 600)
    track = missing("Nowhere")
    before = timezone.now()

    assert len(search_due_wanted("missing").jobs) == 1
    run_engine_until(all_settled)
    assert DownloadJob.objects.get().status == Status.NOT_FOUND
    row = _row(api_client, track)
    assert row["search_failures"] == 1
    assert _seconds_after(row["next_search_at"], before) == pytest.approx(HOUR, abs=60)
    # Backing off: the scheduled run leaves it; the user's search does not.
    assert search_due_wanted("missing").jobs == []
    manual = services.search_wanted_tracks([track.pk])
    assert len(manual.jobs) == 1 and manual.skipped == []

    run_engine_until(all_settled)

    row = _row(api_client, track)
    assert row["search_failures"] == 2
    assert _seconds_after(row["next_search_at"], before) == pytest.approx(6 * HOUR, abs=60)
    # "Search all" ignores the backoff too.
    assert len(services.search_all_wanted("missing").jobs) == 1


def _seconds_after(stamp: str, start) -> float:
    from django.utils.dateparse import parse_datetime

    return (parse_datetime(stamp) - start).total_seconds()


def test_a_job_that_fails_after_all_attempts_backs_its_track_off(
    slskd_factory, settings, tmp_path, monkeypatch
) -> None:
    from downloads.services import engine_callbacks

    monkeypatch.setattr(engine_callbacks, "BACKOFF_BASE_SECONDS", 0)
    net = network(tmp_path / "net", ["Alfa"])
    net.add_failure("rejected", None, message="File not shared.")
    slskd_factory(net)
    track = missing("Alfa")
    services.search_wanted_tracks([track.pk])

    run_engine_until(all_settled)

    assert DownloadJob.objects.get().status == Status.FAILED
    track.refresh_from_db()
    assert track.search_failures == 1 and track.backing_off


def test_a_file_landing_resets_the_backoff(slskd_factory, settings, tmp_path) -> None:
    slskd_factory(network(tmp_path / "net", ["Alfa"]))
    later = timezone.now() + timedelta(days=3)
    track = missing("Alfa", search_failures=4, next_search_at=later)
    services.search_wanted_tracks([track.pk])  # the user's search, despite the backoff
    run_engine_until(all_settled)
    job = DownloadJob.objects.get()
    assert job.status == Status.IMPORTING, (job.status_reason, job.error)

    handoff.import_download(job.pk)

    track.refresh_from_db()
    assert track.status == Track.Status.OWNED, DownloadJob.objects.get().error
    assert (track.search_failures, track.next_search_at) == (0, None)


def test_the_wanted_page_shows_when_a_track_is_tried_next(logged_in_client: Client) -> None:
    waiting = missing(
        "Waiting", search_failures=3, next_search_at=timezone.now() + timedelta(days=2)
    )
    missing("Due", search_failures=1, next_search_at=timezone.now() - timedelta(hours=1))

    page = logged_in_client.get("/downloads/wanted/").content.decode()

    assert "Next try" in page
    assert "in 1\xa0day, 23\xa0hours" in page or "in 2\xa0days" in page, page
    assert "3 searches in a row found nothing" in page
    assert page.count(">next run<") == 1
    assert waiting.backing_off
