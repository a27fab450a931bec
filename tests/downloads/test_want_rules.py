"""Rules every want obeys whatever path creates it: one live job per track, one default profile,
no automatic work for unmonitored tracks, no download for a track already owned."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from downloads import services
from downloads.engine import step
from downloads.models import DownloadJob
from downloads.services import queueing
from library.models import QualityProfile, Track
from library.services import save_quality_profile
from tests.factories import TrackFactory, TrackFileFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(count: int, action) -> list[object]:
    """Run `action` in `count` threads released together; each result or exception."""
    barrier = threading.Barrier(count)
    results: list[object] = []

    def run() -> None:
        barrier.wait()
        try:
            results.append(action())
        except Exception as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_the_database_refuses_a_second_live_job_for_a_track() -> None:
    track = TrackFactory()
    DownloadJob.objects.create(track=track, status=DownloadJob.Status.PAUSED)

    with pytest.raises(IntegrityError), transaction.atomic():
        DownloadJob.objects.create(track=track)

    DownloadJob.objects.create(track=track, status=DownloadJob.Status.COMPLETED)  # history: fine
    assert DownloadJob.objects.filter(track=track).count() == 2


def test_concurrent_wants_for_one_track_leave_one_live_job(monkeypatch) -> None:
    track = TrackFactory()
    # Every request passes the friendly check before any has inserted: the race itself.
    monkeypatch.setattr(queueing, "refuse_if_already_wanted", lambda *args, **kwargs: None)

    results = _at_once(6, lambda: services.queue_download_for_track(track).pk)

    jobs = list(DownloadJob.objects.filter(track=track).values_list("pk", flat=True))
    assert len(jobs) == 1
    assert [r for r in results if isinstance(r, int)] == jobs
    refusals = [r for r in results if not isinstance(r, int)]
    assert len(refusals) == 5 and all(isinstance(r, services.AlreadyQueued) for r in refusals)


def test_retrying_a_finished_job_while_another_is_live_is_refused() -> None:
    track = TrackFactory()
    finished = DownloadJob.objects.create(track=track, status=DownloadJob.Status.FAILED)
    DownloadJob.objects.create(track=track)

    with pytest.raises(services.AlreadyQueued):
        services.retry_job(finished)

    assert DownloadJob.objects.get(pk=finished.pk).status == DownloadJob.Status.FAILED


def test_concurrent_default_profiles_leave_one_default() -> None:
    names = iter(f"Profile {n}" for n in range(6))
    lock = threading.Lock()

    def make_default() -> int:
        with lock:
            name = next(names)
        profile = QualityProfile(name=name)
        return save_quality_profile(
            profile, name=name, ladder=["flac", "mp3_320"], cutoff="flac", is_default=True
        ).pk

    _at_once(6, make_default)

    assert QualityProfile.objects.filter(is_default=True).count() == 1


def test_a_queued_job_of_an_unmonitored_track_is_stopped_before_any_search(slskd_factory) -> None:
    fake = slskd_factory()
    job = services.queue_track_download(artist="Nova", title="Lights")
    Track.objects.filter(pk=job.track_id).update(monitored=False)

    step()

    job.refresh_from_db()
    assert job.status == DownloadJob.Status.CANCELLED
    assert job.status_reason == "the track is no longer monitored"
    assert fake.stats.searches_posted == 0


def test_a_new_want_for_a_track_already_owned_completes_without_a_search(slskd_factory) -> None:
    fake = slskd_factory()
    owned = TrackFileFactory(track__status=Track.Status.OWNED, path="/music/Nova/Lights.flac")
    track = owned.track

    job = services.queue_track_download(artist=track.artist.name, title=track.title)
    step()

    job.refresh_from_db()
    assert job.track_id == track.pk
    assert job.status == DownloadJob.Status.COMPLETED
    assert job.library_path == owned.path
    assert job.status_reason == "the library already has this track"
    assert fake.stats.searches_posted == 0
