"""What the download engine and its callbacks record in the want history: searched, grabbed,
rejected, failed; and when a track was last searched."""

from __future__ import annotations

from pathlib import Path

import pytest

from downloads import services
from downloads.models import DownloadJob
from downloads.services import engine_callbacks
from fakes.audio import make_audio
from fakes.slskd import Network
from library.models import HistoryEvent
from tests.engine_support import all_settled, run_engine_until
from tests.factories import CandidateFactory, DownloadJobFactory

Status = DownloadJob.Status


def _job_with_candidate(**fields: object) -> DownloadJob:
    job = DownloadJobFactory(status=Status.DOWNLOADING, **fields)
    job.candidate = CandidateFactory(job=job, username="peer", filename="@@x\\Nu - Echo.flac")
    job.save()
    return job


def _events(job: DownloadJob) -> list[HistoryEvent]:
    return list(HistoryEvent.objects.filter(job_id=job.pk).order_by("pk"))


@pytest.mark.django_db
def test_a_wrong_file_is_recorded_as_rejected_with_the_user_file_and_reason() -> None:
    job = _job_with_candidate()

    services.fail_candidate(job.pk, "marked wrong by you", wrong_file=True, count_attempt=False)

    (event,) = _events(job)
    assert (event.type, event.track_id) == ("rejected", job.track_id)
    assert event.detail == {
        "reason": "marked wrong by you",
        "user": "peer",
        "file": "@@x\\Nu - Echo.flac",
    }


@pytest.mark.django_db
def test_a_failed_transfer_with_attempts_left_records_nothing() -> None:
    job = _job_with_candidate(attempts=0, max_attempts=3)

    services.fail_candidate(job.pk, "peer went away", wrong_file=False)

    assert _events(job) == []


@pytest.mark.django_db
def test_the_last_attempt_failing_is_recorded_as_failed() -> None:
    job = _job_with_candidate(attempts=2, max_attempts=3)

    services.fail_candidate(job.pk, "peer went away", wrong_file=False)

    (event,) = _events(job)
    assert event.type == "failed" and event.message == "Failed after 3 attempts: peer went away"
    assert event.detail["reason"] == "peer went away" and event.detail["user"] == "peer"


@pytest.mark.django_db(transaction=True)
def test_a_want_is_recorded_as_searched_and_grabbed_and_the_track_as_searched(
    slskd_factory, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(engine_callbacks, "BACKOFF_BASE_SECONDS", 0)
    network = Network.build(tmp_path / "net")
    audio = make_audio(tmp_path / "song.flac", seconds=5, seed=3)
    network.add_user("steady", has_free_upload_slot=True, upload_speed=100_000).share(
        "Shared\\Nu\\Echo\\01 - Nu - Echo.flac", audio
    )
    slskd_factory(network)
    job = services.queue_track_download(artist="Nu", title="Echo", duration_ms=5000)

    run_engine_until(all_settled)

    job.refresh_from_db()
    assert job.status == Status.IMPORTING, (job.status_reason, job.error)
    assert job.track.last_searched_at is not None
    wanted, searched, grabbed = HistoryEvent.objects.filter(track=job.track).order_by("pk")
    assert wanted.type == "wanted" and wanted.job_id is None
    assert (searched.type, searched.job_id) == ("searched", job.pk)
    assert searched.detail == {"query": job.search_query, "files": 1, "accepted": 1}
    assert (grabbed.type, grabbed.job_id) == ("grabbed", job.pk)
    assert grabbed.detail == {
        "user": "steady",
        "file": "Shared\\Nu\\Echo\\01 - Nu - Echo.flac",
        "quality": job.candidate.quality,
        "size": job.candidate.size,
    }


def test_a_job_state_change_logs_one_json_line_with_its_reason_and_request_id(
    api_client, caplog
) -> None:
    import json
    import logging

    from soulspot.lib.logging import JsonFormatter

    job = services.queue_track_download(artist="Nova", title="Lights")

    with caplog.at_level(logging.INFO, logger="soulspot.activity"):
        response = api_client.post(
            f"/api/downloads/{job.pk}/cancel", headers={"X-Request-ID": "req-cancel-1"}
        )

    assert response.status_code == 200
    changes = [r for r in caplog.records if r.name == "soulspot.activity" and "reason" in vars(r)]
    lines = [json.loads(JsonFormatter().format(r)) for r in changes]
    assert [(line["job_id"], line["status"]) for line in lines] == [(job.pk, "cancelled")]
    assert lines[0]["reason"] == "cancelled by you"
    assert lines[0]["request_id"] == "req-cancel-1"
