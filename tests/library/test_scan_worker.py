"""Scans run by the real django-q2 worker: started through the API, resumed after a crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from library import services
from library.models import LibraryScan, TrackFile
from library.scanner import engine
from soulspot.lib.queue import enqueue
from tests.library.support import music_root, song

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[subprocess.Popen]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOULSPOT_", "SLSKD_"))}
    env.update(
        SOULSPOT_DATA_DIR=str(tmp_path / "data"),
        SOULSPOT_SECRET_KEY=settings.SECRET_KEY,  # tasks are signed with it
        SOULSPOT_DATABASE_NAME=str(connection.settings_dict["NAME"]),
        SOULSPOT_MUSIC_DIR=str(settings.MUSIC_DIR),
        SOULSPOT_METADATA_PROVIDERS="false",
    )
    process = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield process
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def wait_for(done: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if done():
            return
        time.sleep(0.2)
    raise AssertionError(list(LibraryScan.objects.values("status", "phase", "error")))


def completed(scan_id: int) -> Callable[[], bool]:
    return lambda: LibraryScan.objects.filter(pk=scan_id, status="completed").exists()


def test_a_scan_requested_through_the_api_is_run_by_the_worker(
    worker: subprocess.Popen, api_client
) -> None:
    for n in range(20):
        song(music_root(), "A", "B", n + 1, f"Song {n}", seed=n)

    response = api_client.post("/api/library/scans", {}, content_type="application/json")
    scan_id = response.json()["id"]
    wait_for(completed(scan_id))

    body = api_client.get(f"/api/library/scans/{scan_id}").json()
    assert (body["files_total"], body["files_new"], body["files_broken"]) == (20, 20, 0)
    assert TrackFile.objects.count() == 20


def test_a_scan_whose_runner_died_is_resumed_by_the_worker(worker: subprocess.Popen) -> None:
    for n in range(5):
        song(music_root(), "A", "B", n + 1, f"Song {n}", seed=n)
    scan = services.start_scan(background=False)
    engine.claim(scan.pk)  # taken by a process that then died…
    past = timezone.now() - timedelta(minutes=5)
    LibraryScan.objects.filter(pk=scan.pk).update(lease_expires_at=past)  # …long ago

    enqueue("library.tasks.resume_interrupted_scans")  # what the minute schedule does
    wait_for(completed(scan.pk))

    assert TrackFile.objects.count() == 5
