"""Figures that say what happened: attempts tried, no green bar on a failure, live countdowns."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from downloads import services
from downloads.models import Candidate, DownloadJob
from fakes.audio import make_audio
from fakes.slskd import Network
from tests.engine_support import all_settled, run_engine_until
from tests.factories import CandidateFactory, DownloadJobFactory

Status = DownloadJob.Status


def _job_with_file(status: str, **fields) -> DownloadJob:
    job = DownloadJobFactory(status=status, **fields)
    job.candidate = CandidateFactory(job=job, rank=1, state=Candidate.State.TRYING)
    job.save()
    return job


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_first_file_arrived_tried_one_download(
    slskd_factory, tmp_path, api_client
) -> None:
    # The counter only moved on a failure, so every finished job said "Attempts 0 of 3".
    net = Network.build(tmp_path / "net")
    audio = make_audio(tmp_path / "net" / "a.flac", seconds=5, seed=2)
    net.add_user("peer").share("Music\\Nu\\Nu - Echo.flac", audio)
    slskd_factory(net)
    job = services.queue_track_download(artist="Nu", title="Echo", duration_ms=5000)
    run_engine_until(all_settled)
    services.complete_job(job.pk, "/music/Nu/Echo.flac")
    assert api_client.get(f"/api/downloads/{job.pk}").json()["attempts"] == 1


@pytest.mark.parametrize(
    ("status", "failed_before", "with_file", "tried"),
    [
        (Status.QUEUED, 0, False, 0),
        (Status.NOT_FOUND, 0, False, 0),
        (Status.DOWNLOADING, 0, True, 1),
        (Status.DOWNLOADING, 1, True, 2),
        (Status.IMPORTING, 0, True, 1),
        (Status.COMPLETED, 0, True, 1),
        (Status.COMPLETED, 0, False, 0),  # settled: the library got the track another way
        (Status.CANCELLED, 0, True, 1),
        (Status.QUEUED, 1, False, 1),  # waiting to try the next file
        (Status.FAILED, 3, True, 3),  # the last failure is already counted
    ],
)
@pytest.mark.django_db
def test_attempts_count_the_downloads_actually_tried(
    status: str, failed_before: int, with_file: bool, tried: int
) -> None:
    make = _job_with_file if with_file else DownloadJobFactory
    job = make(status=status, attempts=failed_before)
    assert job.attempts_made == tried


@pytest.mark.django_db
def test_the_job_page_shows_the_attempts_tried(logged_in_client) -> None:
    job = _job_with_file(Status.COMPLETED)
    page = logged_in_client.get(f"/downloads/{job.pk}/").content.decode()
    assert "<td>1 of 3</td>" in page


@pytest.mark.parametrize("status", [Status.FAILED, Status.CANCELLED, Status.NOT_FOUND])
@pytest.mark.django_db
def test_a_job_that_ended_without_its_file_shows_no_progress_bar(
    logged_in_client, status: str
) -> None:
    job = DownloadJobFactory(status=status, progress=100)
    assert job.bar_percent is None
    row = logged_in_client.get("/downloads/").content.decode()
    page = logged_in_client.get(f"/downloads/{job.pk}/").content.decode()
    assert 'class="progress"' not in row and 'class="progress"' not in page


@pytest.mark.django_db
def test_a_completed_job_shows_a_full_bar_whatever_was_recorded(logged_in_client) -> None:
    DownloadJobFactory(status=Status.COMPLETED, progress=0)
    row = logged_in_client.get("/downloads/").content.decode()
    assert '<span style="width: 100%">' in row


@pytest.mark.django_db
def test_a_failed_file_with_another_left_counts_down_to_the_next_file(logged_in_client) -> None:
    job = _job_with_file(Status.DOWNLOADING)
    CandidateFactory(job=job, rank=2)
    services.fail_candidate(job.pk, "peer went away", wrong_file=False)
    job.refresh_from_db()
    assert job.status_reason == "trying another file: peer went away"
    assert job.status_text == "trying another file in 30 s: peer went away"
    assert "trying another file in 30 s" in logged_in_client.get("/downloads/").content.decode()


@pytest.mark.django_db
def test_a_failed_file_with_none_left_says_it_searches_again(logged_in_client) -> None:
    job = _job_with_file(Status.DOWNLOADING)
    services.fail_candidate(job.pk, "peer went away", wrong_file=False)
    job.refresh_from_db()
    assert job.status_text == "searching again in 30 s: peer went away"
    page = logged_in_client.get(f"/downloads/{job.pk}/").content.decode()
    assert "searching again in 30 s: peer went away" in page


@pytest.mark.django_db
def test_the_countdown_is_computed_when_shown_never_stale() -> None:
    job = _job_with_file(Status.DOWNLOADING)
    services.fail_candidate(job.pk, "peer went away", wrong_file=False)
    job.refresh_from_db()
    job.next_attempt_at = timezone.now() + timedelta(seconds=7, milliseconds=500)
    assert job.status_text == "searching again in 8 s: peer went away"
    job.next_attempt_at = timezone.now() - timedelta(minutes=5)
    assert job.status_text == "searching again: peer went away"
    job.next_attempt_at = timezone.now() + timedelta(minutes=16)
    assert job.status_text.startswith("searching again in 16 min")


@pytest.mark.django_db
def test_other_waits_get_the_countdown_after_their_reason() -> None:
    job = DownloadJobFactory(
        status=Status.QUEUED,
        status_reason="search limit reached (34 per 220 s protects you from a Soulseek ban)",
        next_attempt_at=timezone.now() + timedelta(seconds=41, milliseconds=100),
    )
    assert job.status_text.endswith("ban) (next try in 42 s)")


def test_a_countdown_needs_a_queued_job() -> None:
    job = DownloadJob(status=Status.DOWNLOADING, status_reason="downloading from x: 40%")
    job.next_attempt_at = timezone.now() + timedelta(minutes=1)
    assert job.status_text == "downloading from x: 40%"
