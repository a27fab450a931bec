"""A scan whose worker was killed is taken over within a minute, not when its lease runs out."""

from __future__ import annotations

import socket
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from library import services
from library.models import LibraryScan, TrackFile
from library.schedules import SCHEDULES
from tests.library.support import music_root, song

pytestmark = pytest.mark.django_db
Status = LibraryScan.Status


def _dead_pid() -> int:
    finished = subprocess.Popen(["true"])
    finished.wait()
    return finished.pid


def _held_by(scan: LibraryScan, pid: int) -> None:
    """The scan as a run in process `pid` left it: running, lease still valid for 2 minutes."""
    LibraryScan.objects.filter(pk=scan.pk).update(
        status=Status.RUNNING,
        runner=f"0123456789ab@{socket.gethostname()}:{pid}",
        started_at=timezone.now(),
        lease_expires_at=timezone.now() + timedelta(minutes=2),
    )


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    calls: list[tuple] = []
    monkeypatch.setattr(services, "enqueue", lambda *args: calls.append(args))
    return calls


def test_a_scan_held_by_a_dead_process_is_resumed_at_the_next_minute(queued) -> None:
    for n in range(3):
        song(music_root(), "A", "B", n + 1, f"Song {n}", seed=n)
    scan = services.start_scan(background=False)
    _held_by(scan, _dead_pid())

    assert services.resume_interrupted_scans() == [scan.pk]
    assert queued == [("library.tasks.run_scan", scan.pk)]
    assert services.run_scan(scan.pk) == "completed"
    assert TrackFile.objects.count() == 3
    minutes = {s.name: s.minutes for s in SCHEDULES}
    assert minutes["library-resume-scans"] == 1


def test_a_scan_held_by_a_live_process_is_left_to_it(queued) -> None:
    song(music_root(), "A", "B", 1, "Song", seed=1)
    scan = services.start_scan(background=False)
    with subprocess.Popen(["sleep", "30"]) as alive:
        _held_by(scan, alive.pid)
        assert services.resume_interrupted_scans() == []
        assert services.run_scan(scan.pk) == "skipped"
        alive.kill()
    assert queued == [] and not TrackFile.objects.exists()
