"""From wants to the right files on disk: the real client against the fake Soulseek network."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from downloads import services
from downloads.models import Candidate, DownloadJob
from fakes.trap_network import build_trap_network
from tests.engine_support import all_settled, run_engine_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
Status = DownloadJob.Status


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_ten_wants_full_of_traps_land_the_right_files(slskd_factory, settings, tmp_path) -> None:
    network, wants = build_trap_network(tmp_path / "net")
    fake = slskd_factory(network)
    services.update_engine(max_concurrent=4)
    jobs = {
        spec: services.queue_track_download(
            artist=spec.artist, title=spec.title, duration_ms=spec.seconds * 1000
        )
        for spec in wants
    }
    run_engine_until(all_settled, timeout=120)

    for spec, job in jobs.items():
        job.refresh_from_db()
        if spec.right_user is None:
            assert job.status == Status.NOT_FOUND, (spec, job.status_reason, job.error)
            assert not job.local_path
            continue
        assert job.status == Status.IMPORTING, (spec, job.status, job.status_reason, job.error)
        assert (job.candidate.username, job.candidate.filename) == (
            spec.right_user,
            spec.right_path,
        ), spec
        shared = network.users[spec.right_user].find(spec.right_path)
        local = Path(job.local_path)
        assert local.is_file() and local.is_relative_to(fake.downloads_dir)
        assert _sha(local) == _sha(shared.local), spec
    # Nothing was downloaded twice and no trap was ever enqueued.
    assert all(count == 1 for count in fake.stats.enqueues.values()), fake.stats.enqueues
    assert len(fake.stats.enqueues) == 10


def test_every_candidate_keeps_its_reasons(slskd_factory, tmp_path) -> None:
    network, _ = build_trap_network(tmp_path / "net")
    slskd_factory(network)
    job = services.queue_track_download(artist="Alpha Band", title="Sunrise", duration_ms=5000)
    run_engine_until(all_settled)
    live = Candidate.objects.get(job=job, filename__contains="Live at Wembley")
    assert live.state == Candidate.State.REJECTED and "live" in live.rejection_reason.lower()
    chosen = Candidate.objects.get(job=job, rank=1)
    assert chosen.breakdown and chosen.score > 0 and chosen.query == "alpha band sunrise"
