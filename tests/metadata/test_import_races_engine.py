"""A folder import of slskd's downloads folder while the engine downloads into it (issue 10, #13).

The real engine and client against the fake slskd: the file a live job is downloading is left
for the job, which then completes normally.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from downloads import services as download_services
from downloads.engine import handoff
from downloads.models import DownloadJob
from fakes.audio import make_audio
from fakes.slskd import Network
from metadata import tasks
from metadata.models import ImportItem
from tests.engine_support import run_engine_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
Status = DownloadJob.Status


def status_of(job: DownloadJob) -> str:
    return DownloadJob.objects.values_list("status", flat=True).get(pk=job.pk)


def wait_for_file(path: Path, size: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not (path.is_file() and path.stat().st_size == size):
        assert time.monotonic() < deadline, f"{path} never arrived"
        time.sleep(0.05)


def test_a_folder_import_leaves_a_live_jobs_file_and_the_job_completes(
    slskd_factory, settings, tmp_path, api_client, monkeypatch
) -> None:
    network = Network.build(tmp_path / "net")
    peer = network.add_user("goodpeer", root="@@good", upload_speed=5_000_000)
    audio = make_audio(tmp_path / "net" / "sunrise.flac", seconds=5, seed=1)
    peer.share("Music\\Alpha Band\\Dawn (2001)\\01 - Sunrise.flac", audio)
    fake = slskd_factory(network)
    settings.SOULSPOT_IMPORT_DIRS = [fake.downloads_dir]
    job = download_services.queue_track_download(
        artist="Alpha Band", title="Sunrise", duration_ms=5000
    )
    run_engine_until(lambda: status_of(job) == Status.DOWNLOADING)
    # slskd finishes writing the file; the engine has not noticed yet (no step in between).
    arrived = fake.downloads_dir / "Dawn (2001)" / "01 - Sunrise.flac"
    wait_for_file(arrived, audio.stat().st_size)

    monkeypatch.setattr("metadata.services.enqueue", lambda *args: None)
    response = api_client.post(
        "/api/metadata/imports",
        {"path": str(fake.downloads_dir)},
        content_type="application/json",
    )
    assert response.status_code == 202
    tasks.run_folder_import(response.json()["id"])

    item = ImportItem.objects.get(batch_id=response.json()["id"])
    assert item.state == "skipped"
    assert item.reason.startswith(f"belongs to live download job {job.pk}")
    assert arrived.is_file()
    run_engine_until(lambda: status_of(job) != Status.DOWNLOADING)
    assert status_of(job) == Status.IMPORTING
    handoff.import_download(job.pk)
    job.refresh_from_db()
    assert job.status == Status.COMPLETED, (job.status_reason, job.error)
    assert Path(job.library_path).is_file() and not arrived.exists()
