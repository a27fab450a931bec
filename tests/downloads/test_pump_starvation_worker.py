"""One worker (SOULSPOT_WORKERS=1) under a stream of new wants still runs the heartbeat in time:
the wants share one queued pump instead of queueing a 20-second pump each (finding 12)."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.utils import timezone

from downloads import services
from downloads.models import DownloadJob
from fakes.audio import make_audio
from fakes.slskd import Network
from soulspot.lib.queue import enqueue
from soulspot.models import WorkerHeartbeat
from tests.engine_support import kill_hard, start_worker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e, pytest.mark.slow]
Status = DownloadJob.Status


def test_the_heartbeat_stays_fresh_with_one_worker_under_thirty_new_wants(
    slskd_factory, tmp_path
) -> None:
    network = Network.build(tmp_path / "net")
    slow = network.add_user("slowpeer", upload_speed=500)  # keeps the pump busy all along
    for n, title in enumerate(["Oak", "Elm"], start=1):
        audio = make_audio(tmp_path / "net" / f"{title}.flac", seconds=60, seed=n)
        slow.share(f"Music\\Trees\\Forest\\0{n} - Trees - {title}.flac", audio)
    fake = slskd_factory(network)
    for title in ("Oak", "Elm"):
        services.queue_track_download(artist="Trees", title=title, duration_ms=60_000)
    worker = start_worker(fake, settings.DATA_DIR, SOULSPOT_WORKERS="1")
    try:
        wait_for(lambda: DownloadJob.objects.filter(status=Status.DOWNLOADING).exists())
        for n in range(30):  # wants arriving while the pump works, each waking the engine
            services.queue_track_download(artist="Stream", title=f"Song {n}")
            time.sleep(0.2)
        busy = DownloadJob.objects.filter(status=Status.DOWNLOADING).exists()
        asked_at = timezone.now()
        enqueue("soulspot.tasks.heartbeat")
        deadline = time.monotonic() + 60
        beat = None
        while time.monotonic() < deadline:
            beat = WorkerHeartbeat.latest()
            if beat is not None and beat.beat_at >= asked_at:
                break
            time.sleep(0.5)
        waited = (timezone.now() - asked_at).total_seconds()
    finally:
        kill_hard(worker)
    assert beat is not None and beat.beat_at >= asked_at, "the heartbeat starved behind pumps"
    print(f"heartbeat ran {waited:.1f} s after it was queued behind 30 new wants")
    # At most the running pump and one queued pump (20 s each) stand before it.
    assert waited < 50, waited
    assert busy  # the pump had transfers to follow: it used its whole 20 s each time
