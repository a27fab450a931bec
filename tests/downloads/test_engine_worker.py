"""The engine driven by the real django-q2 worker, killed and restarted mid-download."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from downloads import services
from downloads.models import DownloadJob
from fakes.audio import make_audio
from fakes.slskd import Network
from soulspot.lib.queue import enqueue
from tests.engine_support import API_KEY

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e, pytest.mark.slow]
Status = DownloadJob.Status


def start_worker(fake, data_dir: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOULSPOT_", "SLSKD_"))}
    env.update(
        SOULSPOT_DATA_DIR=str(data_dir),
        SOULSPOT_SECRET_KEY=settings.SECRET_KEY,  # tasks are signed with it
        SOULSPOT_DATABASE_NAME=str(connection.settings_dict["NAME"]),
        SLSKD_URL=fake.url,
        SLSKD_API_KEY=API_KEY,
        SLSKD_DOWNLOADS_DIR=str(fake.downloads_dir),
        SLSKD_SEARCH_TIMEOUT_MS="2000",
        SOULSPOT_METADATA_PROVIDERS="false",
        SOULSPOT_MUSIC_DIR=str(settings.MUSIC_DIR),
    )
    log = (data_dir / "worker.log").open("a")
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def kill_hard(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def wait_for(predicate, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(list(DownloadJob.objects.values_list("status", "status_reason", "error")))


def test_killing_the_worker_mid_download_loses_nothing_and_downloads_nothing_twice(
    slskd_factory,
    tmp_path,
) -> None:
    network = Network.build(tmp_path / "net")
    slow = network.add_user("slowpeer", upload_speed=6_000)
    for n, title in enumerate(["Oak", "Elm"], start=1):
        audio = make_audio(tmp_path / "net" / f"{title}.flac", seconds=40, seed=n)
        slow.share(f"Music\\Trees\\Forest\\0{n} - Trees - {title}.flac", audio)
    fake = slskd_factory(network)
    jobs = [
        services.queue_track_download(artist="Trees", title=t, duration_ms=40_000)
        for t in ("Oak", "Elm")
    ]
    worker = start_worker(fake, settings.DATA_DIR)
    try:
        wait_for(
            lambda: DownloadJob.objects.filter(
                status=Status.DOWNLOADING, bytes_transferred__gt=0
            ).exists()
        )
        kill_hard(worker)
        worker = start_worker(fake, settings.DATA_DIR)
        enqueue("downloads.tasks.pump_engine")  # what `serve` does at start
        done = (Status.IMPORTING, Status.COMPLETED)
        wait_for(lambda: DownloadJob.objects.filter(status__in=done).count() == 2)
    finally:
        kill_hard(worker)
    for job in jobs:
        job.refresh_from_db()
        assert Path(job.local_path or job.library_path).is_file() or job.status == Status.COMPLETED
    assert sorted(fake.stats.enqueues.values()) == [1, 1], fake.stats.enqueues
