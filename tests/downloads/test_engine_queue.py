"""Queue behaviour: concurrency, priorities, search budget, timeouts, pause during a transfer."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from downloads import search_slot, services
from downloads.engine import step
from downloads.engine.transfers import _timed_out
from downloads.models import Candidate, DownloadJob
from downloads.services import engine_callbacks
from downloads.slskd import Transfer, budget_from_settings
from fakes.audio import make_audio
from fakes.slskd import Network
from tests.engine_support import all_settled, run_engine_until
from tests.factories import DownloadJobFactory

Status = DownloadJob.Status


def _network(root: Path, titles: list[str], **user) -> Network:
    net = Network.build(root)
    peer = net.add_user("peer", **user)
    for n, title in enumerate(titles, start=1):
        peer.share(
            f"Music\\Rho\\Rho - {title}.flac", make_audio(root / f"{n}.flac", seconds=5, seed=n)
        )
    return net


@pytest.mark.django_db(transaction=True)
def test_the_concurrency_limit_and_priorities_decide_who_starts(slskd_factory, tmp_path) -> None:
    slskd_factory(_network(tmp_path / "net", ["One", "Two", "Three"]))
    services.update_engine(max_concurrent=1)
    low = services.queue_track_download(artist="Rho", title="One", duration_ms=5000, priority=0)
    high = services.queue_track_download(artist="Rho", title="Two", duration_ms=5000, priority=10)
    mid = services.queue_track_download(artist="Rho", title="Three", duration_ms=5000, priority=5)
    order = []

    def watch() -> bool:
        busy = DownloadJob.objects.filter(status__in=[Status.SEARCHING, Status.DOWNLOADING])
        assert busy.count() <= 1
        order.extend(pk for pk in busy.values_list("pk", flat=True) if pk not in order)
        return all_settled()

    run_engine_until(watch)
    assert order == [high.pk, mid.pk, low.pk]


@pytest.mark.django_db(transaction=True)
def test_the_search_budget_makes_jobs_wait_with_a_reason(slskd_factory, settings, tmp_path) -> None:
    slskd_factory(_network(tmp_path / "net", ["One", "Two"]))
    settings.SLSKD_SEARCH_BUDGET = 1
    settings.SLSKD_SEARCH_WINDOW_SECONDS = 600
    budget_from_settings().acquire()  # another process spent the window's only search
    waiting = services.queue_track_download(artist="Rho", title="One", duration_ms=5000)
    step()
    waiting.refresh_from_db()
    assert waiting.status == Status.QUEUED
    assert waiting.status_reason.startswith("search limit reached (1 per 600 s")
    assert waiting.next_attempt_at > timezone.now()
    assert search_slot.current() is None  # no search was posted, so none holds the slot


@pytest.mark.django_db(transaction=True)
def test_a_peer_that_never_starts_our_file_is_left_for_another(
    slskd_factory, settings, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(engine_callbacks, "BACKOFF_BASE_SECONDS", 0)
    net = _network(tmp_path / "net", ["One"], upload_speed=9_000_000)
    net.add_user("other", upload_speed=100_000).share(
        "Shared\\Rho - One.flac", tmp_path / "net" / "1.flac"
    )
    net.add_failure("queued_forever", "peer")
    slskd_factory(net)
    settings.DOWNLOAD_REMOTE_QUEUE_TIMEOUT_SECONDS = 1
    job = services.queue_track_download(artist="Rho", title="One", duration_ms=5000)
    run_engine_until(all_settled)
    job.refresh_from_db()
    assert job.status == Status.IMPORTING and job.candidate.username == "other"
    stuck = Candidate.objects.get(job=job, username="peer")
    assert "queue" in stuck.rejection_reason


@pytest.mark.django_db(transaction=True)
def test_pausing_a_downloading_job_cancels_the_transfer_and_resume_finishes_it(
    slskd_factory, tmp_path
) -> None:
    fake = slskd_factory(_network(tmp_path / "net", ["One"], upload_speed=500))
    job = services.queue_track_download(artist="Rho", title="One", duration_ms=5000)
    run_engine_until(lambda: DownloadJob.objects.get(pk=job.pk).bytes_transferred > 0)
    job.refresh_from_db()
    transfer_id = job.transfer_id
    services.pause_job(job)
    fake.wait_for(lambda: fake.transfer(transfer_id).state.startswith("Completed"))
    assert fake.transfer(transfer_id).state == "Completed, Cancelled"
    step()
    assert DownloadJob.objects.get(pk=job.pk).status == Status.PAUSED  # the engine leaves it alone
    services.resume_job(DownloadJob.objects.get(pk=job.pk))
    run_engine_until(all_settled)
    resumed = DownloadJob.objects.get(pk=job.pk)
    assert resumed.status == Status.IMPORTING
    assert fake.stats.searches_posted == 1  # the resume went straight back to the same file


def _transfer(**fields) -> Transfer:
    base = {"id": "t", "username": "u", "filename": "f", "size": 100, "state": "InProgress"}
    return Transfer.from_api({**base, **fields})


@pytest.mark.django_db
def test_timeouts_distinguish_a_remote_queue_from_a_stalled_transfer(settings) -> None:
    settings.DOWNLOAD_REMOTE_QUEUE_TIMEOUT_SECONDS = 600
    settings.DOWNLOAD_STALL_TIMEOUT_SECONDS = 60
    now = timezone.now()
    job = DownloadJobFactory(
        status=Status.DOWNLOADING, state_changed_at=now - timedelta(seconds=700)
    )
    job.candidate = Candidate(username="u")
    queued = _transfer(state="Queued, Remotely", bytesTransferred=0)
    assert "queue" in _timed_out(job, queued, now, now)
    moving = _transfer(bytesTransferred=50)
    assert _timed_out(job, moving, now - timedelta(seconds=30), now) is None
    assert _timed_out(job, moving, now - timedelta(seconds=90), now) == "no progress for 90 s"
    job.state_changed_at = now - timedelta(seconds=100)
    assert _timed_out(job, queued, now, now) is None
