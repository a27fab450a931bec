"""Activity figures from slskd's transfer: percent, bytes of total, speed, ETA, queue place."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from downloads import services
from downloads.engine import step
from downloads.engine.transfers import QUEUE_POSITION_EVERY
from downloads.models import DownloadJob
from fakes.audio import make_audio
from fakes.slskd import Network
from tests.engine_support import run_engine_until
from tests.factories import CandidateFactory, DownloadJobFactory

Status = DownloadJob.Status
POSITION_ROUTE = "GET transfers/downloads/{username}/{id}/position"


def _network(root: Path, **user) -> tuple[Network, Path]:
    net = Network.build(root)
    audio = make_audio(root / "song.flac", seconds=20, seed=4)
    net.add_user("slowpoke", **user).share("Music\\Mu\\Mu - Drift.flac", audio)
    return net, audio


def _want() -> DownloadJob:
    return services.queue_track_download(artist="Mu", title="Drift", duration_ms=20_000)


@pytest.mark.django_db(transaction=True)
def test_a_running_transfer_reports_size_speed_eta_and_when_it_was_added(
    slskd_factory, tmp_path, api_client
) -> None:
    net, audio = _network(tmp_path / "net", upload_speed=2_000)
    slskd_factory(net)
    job = _want()

    def flowing() -> bool:
        current = DownloadJob.objects.get(pk=job.pk)
        return current.speed_bps > 0 and current.bytes_transferred > 0

    run_engine_until(flowing)
    body = api_client.get(f"/api/downloads/{job.pk}").json()
    assert body["bytes_total"] == audio.stat().st_size
    assert 0 < body["bytes_transferred"] < body["bytes_total"]
    assert body["speed_bps"] > 0
    left = body["bytes_total"] - body["bytes_transferred"]
    assert body["eta_seconds"] == -(-left // body["speed_bps"])
    assert body["queue_position"] is None
    assert timezone.now() - timedelta(minutes=1) < _parse(body["added_at"]) <= timezone.now()
    listed = api_client.get("/api/downloads").json()["items"][0]
    assert listed["speed_bps"] == body["speed_bps"] or listed["speed_bps"] > 0


@pytest.mark.django_db(transaction=True)
def test_a_remotely_queued_transfer_shows_its_place_asking_the_peer_once_a_minute(
    slskd_factory, tmp_path, api_client
) -> None:
    net, _ = _network(tmp_path / "net", queue_length=6)
    net.add_failure("queued_forever", "slowpoke")
    fake = slskd_factory(net)
    job = _want()
    run_engine_until(
        lambda: DownloadJob.objects.get(pk=job.pk).transfer_state == "Queued, Remotely"
    )
    for _ in range(3):
        step()
    job.refresh_from_db()
    assert job.queue_position == 6
    assert fake.stats.requests[POSITION_ROUTE] == 1
    assert "slowpoke's queue (place 6)" in job.status_reason
    body = api_client.get(f"/api/downloads/{job.pk}").json()
    assert (body["queue_position"], body["speed_bps"], body["eta_seconds"]) == (6, None, None)
    DownloadJob.objects.filter(pk=job.pk).update(
        queue_position_at=timezone.now() - QUEUE_POSITION_EVERY
    )
    step()
    assert fake.stats.requests[POSITION_ROUTE] == 2


@pytest.mark.django_db
def test_figures_are_shown_only_while_the_file_is_transferring() -> None:
    job = DownloadJobFactory(
        status=Status.DOWNLOADING,
        bytes_total=10_000,
        bytes_transferred=4_000,
        speed_bps=1_000,
        queue_position=3,
    )
    assert (job.eta_seconds, job.current_speed_bps, job.current_queue_position) == (6, 1000, 3)
    job.status = Status.QUEUED  # sent back to the queue: last transfer's figures are history
    assert (job.eta_seconds, job.current_speed_bps, job.current_queue_position) == (None,) * 3


@pytest.mark.django_db
def test_the_size_falls_back_to_the_candidates_before_slskd_reported_it() -> None:
    job = DownloadJobFactory(status=Status.DOWNLOADING)
    job.candidate = CandidateFactory(job=job, size=12_345)
    assert job.size_bytes == 12_345


@pytest.mark.django_db
def test_the_list_and_the_job_page_show_the_activity(logged_in_client) -> None:
    job = DownloadJobFactory(
        status=Status.DOWNLOADING,
        progress=40,
        bytes_total=10 * 1024 * 1024,
        bytes_transferred=4 * 1024 * 1024,
        speed_bps=100 * 1024,
        transfer_added_at=timezone.now() - timedelta(minutes=3),
    )
    row = logged_in_client.get("/downloads/").content.decode()
    assert "40% · 4.0\xa0MB of 10.0\xa0MB · 100.0\xa0KB/s · 1 min 2 s left" in row
    assert "added 3\xa0minutes ago" in row
    page = logged_in_client.get(f"/downloads/{job.pk}/").content.decode()
    assert "100.0\xa0KB/s" in page and "about 1 min 2 s" in page


@pytest.mark.django_db
def test_the_job_page_shows_the_place_in_a_peers_queue(logged_in_client) -> None:
    job = DownloadJobFactory(status=Status.DOWNLOADING, queue_position=4)
    job.candidate = CandidateFactory(job=job, username="slowpoke")
    job.save()
    page = logged_in_client.get(f"/downloads/{job.pk}/").content.decode()
    assert "4 in slowpoke's queue" in page


def _parse(value: str):
    from datetime import datetime

    return datetime.fromisoformat(value.replace("Z", "+00:00"))
