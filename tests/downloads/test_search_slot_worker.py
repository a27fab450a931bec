"""One search in flight across processes: the real worker's engine pump and a manual search,
each in its own worker process, share the search slot through the database."""

from __future__ import annotations

import pytest
from django.conf import settings

from downloads import searches, services
from downloads.models import DownloadJob, ManualSearch
from fakes.audio import make_audio
from fakes.slskd import Network
from soulspot.lib.queue import enqueue
from tests.downloads.test_engine_worker import kill_hard, start_worker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e, pytest.mark.slow]
Status = DownloadJob.Status
TITLES = ["Ash", "Birch", "Cedar"]


def test_jobs_due_at_once_and_a_manual_search_never_search_at_the_same_time(
    slskd_factory, tmp_path
) -> None:
    network = Network.build(tmp_path / "net")
    peer = network.add_user("grove", upload_speed=2_000_000)
    for n, title in enumerate(TITLES, start=1):
        audio = make_audio(tmp_path / "net" / f"{title}.flac", seconds=5, seed=n)
        peer.share(f"Music\\Trees\\Grove\\0{n} - Trees - {title}.flac", audio)
    fake = slskd_factory(network, speed_scale=10.0)
    services.update_engine(max_concurrent=3)
    for title in TITLES:
        services.queue_track_download(artist="Trees", title=title, duration_ms=5000)
    manual = searches.start_manual_search(artist="Trees", title="Ash")
    worker = start_worker(fake, settings.DATA_DIR)
    try:
        enqueue("downloads.tasks.pump_engine")
        settled = (Status.IMPORTING, Status.COMPLETED)
        wait_for(lambda: DownloadJob.objects.filter(status__in=settled).count() == len(TITLES))
        wait_for(lambda: ManualSearch.objects.get(pk=manual.pk).status != "running")
    finally:
        kill_hard(worker)
    assert ManualSearch.objects.get(pk=manual.pk).status == ManualSearch.Status.DONE
    assert fake.stats.searches_posted >= len(TITLES) + 1
    assert fake.stats.max_searches_in_progress == 1
