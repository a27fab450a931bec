"""The engine driven by the real django-q2 worker, killed and restarted mid-download."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from downloads import services
from downloads.models import DownloadJob
from fakes.audio import make_audio
from fakes.slskd import Network
from soulspot.lib.queue import enqueue
from tests.engine_support import kill_hard, start_worker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e, pytest.mark.slow]
Status = DownloadJob.Status


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
