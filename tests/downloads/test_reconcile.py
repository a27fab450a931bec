"""Finding 14: after a restore (and at start), live jobs are reconciled, never failed for it.

A job whose track the library already has is completed; one whose search, transfer or
downloaded file is gone goes back to the queue keeping its attempts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from downloads.models import Candidate, DownloadJob
from downloads.services.reconcile import reconcile_live_jobs
from downloads.tasks import reconcile_jobs
from library.models import Track
from tests.factories import CandidateFactory, DownloadJobFactory, TrackFileFactory

pytestmark = pytest.mark.django_db
Status = DownloadJob.Status
TRANSFER_ID = "0b4c7c8e-1d2a-4f53-9a61-5a8e2b7d9f10"


def _downloading(**fields) -> DownloadJob:
    job = DownloadJobFactory(
        status=Status.DOWNLOADING, attempts=1, transfer_id=TRANSFER_ID, **fields
    )
    candidate = CandidateFactory(job=job, state=Candidate.State.TRYING)
    DownloadJob.objects.filter(pk=job.pk).update(candidate=candidate, progress=40)
    job.refresh_from_db()
    return job


def _in_library(job: DownloadJob) -> Path:
    path = Path(settings.MUSIC_DIR) / f"{job.track.title}.flac"
    path.write_bytes(b"audio")
    TrackFileFactory(track=job.track, path=str(path))
    Track.objects.filter(pk=job.track_id).update(status=Track.Status.OWNED)
    return path


def test_after_a_restore_owned_tracks_complete_and_the_rest_is_queued_again():
    owned = _downloading()
    library_file = _in_library(owned)
    lost = _downloading()
    searching = DownloadJobFactory(status=Status.SEARCHING, search_id="s-1", attempts=2)
    importing_gone = DownloadJobFactory(status=Status.IMPORTING, local_path="/nowhere/x.flac")
    queued = DownloadJobFactory(status=Status.QUEUED)

    result = reconcile_live_jobs(after_restore=True)

    jobs = {j.pk: j for j in DownloadJob.objects.all()}
    assert jobs[owned.pk].status == Status.COMPLETED
    assert jobs[owned.pk].library_path == str(library_file)
    for job, attempts in ((lost, 1), (searching, 2), (importing_gone, 0)):
        assert jobs[job.pk].status == Status.QUEUED, jobs[job.pk].status_reason
        assert jobs[job.pk].attempts == attempts
        assert jobs[job.pk].transfer_id == ""
        assert jobs[job.pk].candidate_id is None
    assert Candidate.objects.get(job=lost).state == Candidate.State.PENDING
    assert jobs[queued.pk].status == Status.QUEUED
    assert not DownloadJob.objects.filter(status=Status.FAILED).exists()
    assert sorted(result.requeued) == sorted([lost.pk, searching.pk, importing_gone.pk])
    assert result.completed == [owned.pk]


def test_an_import_with_its_file_on_disk_is_left_to_finish(tmp_path):
    downloaded = tmp_path / "song.flac"
    downloaded.write_bytes(b"audio")
    job = DownloadJobFactory(status=Status.IMPORTING, local_path=str(downloaded))
    _in_library(job)

    result = reconcile_live_jobs(after_restore=True)

    assert DownloadJob.objects.get(pk=job.pk).status == Status.IMPORTING
    assert result.kept == [job.pk]


def test_a_library_row_whose_file_is_gone_does_not_count_as_owned():
    job = _downloading()
    TrackFileFactory(track=job.track, path=str(Path(settings.MUSIC_DIR) / "vanished.flac"))

    reconcile_live_jobs(after_restore=True)

    assert DownloadJob.objects.get(pk=job.pk).status == Status.QUEUED


def test_upgrades_of_owned_tracks_are_not_completed_by_their_own_file():
    job = _downloading(purpose=DownloadJob.Purpose.UPGRADE)
    _in_library(job)

    reconcile_live_jobs(after_restore=True)

    assert DownloadJob.objects.get(pk=job.pk).status == Status.QUEUED


@pytest.mark.django_db(transaction=True)
def test_at_start_a_transfer_slskd_forgot_is_queued_again(slskd_factory):
    slskd_factory()  # a real (fake) slskd that knows no transfer
    job = _downloading()

    result = reconcile_jobs()

    assert DownloadJob.objects.get(pk=job.pk).status == Status.QUEUED
    assert "1 queued again" in result


def test_at_start_an_unreachable_slskd_leaves_jobs_where_they_are(settings):
    settings.SLSKD_URL = "http://127.0.0.1:9"
    settings.SLSKD_API_KEY = "key"
    job = _downloading()

    result = reconcile_live_jobs()

    assert DownloadJob.objects.get(pk=job.pk).status == Status.DOWNLOADING
    assert result.kept == [job.pk]
