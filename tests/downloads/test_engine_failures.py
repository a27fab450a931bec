"""The engine under failure: peers that error, slskd down or confused, hostile names."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from downloads import services
from downloads.engine import step
from downloads.models import Candidate, DownloadJob, Peer
from downloads.services import engine_callbacks
from fakes.audio import make_audio
from fakes.slskd import Network
from tests.engine_support import all_settled, run_engine_until

pytestmark = pytest.mark.django_db(transaction=True)
Status = DownloadJob.Status


def _two_peer_network(root: Path) -> Network:
    net = Network.build(root)
    audio = make_audio(root / "song.flac", seconds=5, seed=3)
    net.add_user("flaky", has_free_upload_slot=True, upload_speed=9_000_000).share(
        "Music\\Nu\\Nu - Echo.flac", audio
    )
    net.add_user("steady", has_free_upload_slot=True, upload_speed=100_000).share(
        "Shared\\Nu\\Echo\\01 - Nu - Echo.flac", audio
    )
    return net


def _no_backoff(monkeypatch) -> None:
    monkeypatch.setattr(engine_callbacks, "BACKOFF_BASE_SECONDS", 0)


def test_a_peer_that_errors_mid_transfer_fails_over_to_another_peer(
    slskd_factory, tmp_path, monkeypatch
) -> None:
    _no_backoff(monkeypatch)
    network = _two_peer_network(tmp_path / "net")
    network.add_failure("errored", "flaky", after_bytes=5_000)
    fake = slskd_factory(network, retry_attempts=1)
    job = services.queue_track_download(artist="Nu", title="Echo", duration_ms=5000)
    run_engine_until(all_settled)
    job.refresh_from_db()
    assert job.status == Status.IMPORTING, (job.status_reason, job.error)
    assert job.candidate.username == "steady"
    assert job.attempts == 1
    failed = Candidate.objects.get(job=job, username="flaky")
    assert failed.state == Candidate.State.FAILED and "Errored" in failed.rejection_reason
    assert Peer.objects.get(username="flaky").failures == 1
    assert Peer.objects.get(username="steady").successes == 1
    # The partial file of the failed attempt never reached the downloads folder.
    assert [p.name for p in fake.downloads_dir.rglob("*.flac")] == ["01 - Nu - Echo.flac"]


def test_attempts_run_out_and_the_job_fails_with_the_last_reason(
    slskd_factory, tmp_path, monkeypatch
) -> None:
    _no_backoff(monkeypatch)
    network = _two_peer_network(tmp_path / "net")
    network.add_failure("rejected", None, message="File not shared.")
    slskd_factory(network)
    job = services.queue_track_download(artist="Nu", title="Echo", duration_ms=5000)
    run_engine_until(all_settled)
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert job.attempts == job.max_attempts == 3
    assert "File not shared." in job.error


def test_slskd_down_makes_jobs_wait_with_a_reason_and_resume_when_back(
    slskd_factory, settings, tmp_path
) -> None:
    network = _two_peer_network(tmp_path / "net")
    job = services.queue_track_download(artist="Nu", title="Echo", duration_ms=5000)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        settings.SLSKD_URL = f"http://127.0.0.1:{probe.getsockname()[1]}"
    settings.SLSKD_API_KEY = "x" * 20
    step()
    job.refresh_from_db()
    assert job.status == Status.QUEUED
    assert job.status_reason.startswith("waiting for slskd: slskd unreachable")
    slskd_factory(network)  # slskd comes back
    run_engine_until(all_settled)
    job.refresh_from_db()
    assert job.status == Status.IMPORTING


def test_a_wrong_api_key_is_reported_as_a_configuration_error(
    slskd_factory, settings, tmp_path
) -> None:
    slskd_factory(_two_peer_network(tmp_path / "net"))
    settings.SLSKD_API_KEY = "not-the-key-0123456789"
    job = services.queue_track_download(artist="Nu", title="Echo", duration_ms=5000)
    step()
    job.refresh_from_db()
    assert job.status == Status.QUEUED
    assert "slskd refused the API key — check SLSKD_API_KEY" in job.status_reason


def test_malformed_slskd_json_never_crashes_the_engine(slskd_factory, tmp_path) -> None:
    fake = slskd_factory(_two_peer_network(tmp_path / "net"))
    job = services.queue_track_download(artist="Nu", title="Echo", duration_ms=5000)
    fake.break_route("searches", mode="malformed_json", count=3)
    fake.break_route("transfers", mode="malformed_json", count=3)
    run_engine_until(all_settled)
    job.refresh_from_db()
    assert job.status == Status.IMPORTING, (job.status_reason, job.error)


@pytest.mark.parametrize(
    "hostile",
    [
        "..\\..\\..\\escape.flac",
        "C:\\Windows\\System32\\escape.flac",
        "/etc/escape.flac",
        "Music\\" + "x" * 400 + "\\escape.flac",
        "Music\\nul\x00byte\\escape.flac",
    ],
)
def test_hostile_remote_names_never_place_a_file_outside_the_downloads_dir(
    slskd_factory,
    tmp_path,
    hostile,
    monkeypatch,
) -> None:
    _no_backoff(monkeypatch)
    network = Network.build(tmp_path / "net")
    audio = make_audio(tmp_path / "net" / "a.flac", seconds=5, seed=4)
    network.add_user("mallory").share(hostile.replace("escape", "Xi - Escape"), audio)
    fake = slskd_factory(network)
    job = services.queue_track_download(artist="Xi", title="Escape", duration_ms=5000)
    run_engine_until(all_settled)
    job.refresh_from_db()
    outside = [
        p for p in tmp_path.rglob("*Escape*") if not p.resolve().is_relative_to(fake.downloads_dir)
    ]
    assert [p for p in outside if p.parent != tmp_path / "net"] == []
    if job.status == Status.IMPORTING:
        assert Path(job.local_path).resolve().is_relative_to(fake.downloads_dir.resolve())
    else:
        assert job.status in (Status.FAILED, Status.NOT_FOUND)


def test_a_file_finished_before_slskd_restarted_is_kept_not_downloaded_again(
    slskd_factory, tmp_path
) -> None:
    fake = slskd_factory(_two_peer_network(tmp_path / "net"))
    job = services.queue_track_download(artist="Nu", title="Echo", duration_ms=5000)
    run_engine_until(lambda: DownloadJob.objects.get(pk=job.pk).status == Status.DOWNLOADING)
    transfer_id = DownloadJob.objects.get(pk=job.pk).transfer_id
    fake.wait_for(lambda: fake.transfer(transfer_id).local_path is not None)
    fake.reset()  # slskd restarts: its transfer list is gone, the file stays on disk
    run_engine_until(all_settled)
    job.refresh_from_db()
    assert job.status == Status.IMPORTING and Path(job.local_path).is_file()
    assert fake.stats.enqueues == {}  # nothing was enqueued again after the restart


def test_retrying_a_not_found_job_searches_again_from_the_first_query(
    slskd_factory, tmp_path
) -> None:
    network = _two_peer_network(tmp_path / "net")
    fake = slskd_factory(Network.build(tmp_path / "empty"))
    job = services.queue_track_download(artist="Nu", title="Echo", duration_ms=5000)
    run_engine_until(all_settled)
    job.refresh_from_db()
    assert job.status == Status.NOT_FOUND
    fake.stop()
    slskd_factory(network)  # the file appears on the network later
    services.retry_job(job)
    run_engine_until(all_settled)
    job.refresh_from_db()
    assert job.status == Status.IMPORTING
