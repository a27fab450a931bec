"""The largest album and batch a client may send are written in short transactions.

SQLite has one writer: a request that held the write lock for its whole list made the
background worker hit "database is locked". While a 500-track album (and a 500-item batch) is
being written, a second connection playing the worker writes its heartbeat every 20 ms; the
longest it ever waits must stay well below SQLite's busy timeout. The timings are printed
(`pytest -s -p no:xdist tests/downloads/test_bounded_writes.py`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from downloads.models import DownloadJob
from library.models import Track
from soulspot.models import WorkerHeartbeat

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# Half SQLite's 20 s busy timeout (settings.py): past it the worker fails "database is locked".
# SQLite's busy handler is not fair (a waiting writer sleeps while the request takes the lock
# again between two chunks), so what bounds the worker's wait is the largest request allowed:
# 500 tracks or items, a few seconds of writes; 100,000 titles held it for minutes.
LONGEST_WAIT_S = 10.0


def _while_beating(send: Callable[[], object]) -> tuple[object, float, float]:
    """Run `send()` while another thread writes a heartbeat; its result, seconds, longest wait."""
    stop = threading.Event()
    waits: list[float] = []

    def beat() -> None:
        try:
            while not stop.is_set():
                started = time.perf_counter()
                WorkerHeartbeat.objects.update_or_create(
                    pk=1, defaults={"beat_at": timezone.now(), "worker": "test"}
                )
                waits.append(time.perf_counter() - started)
                time.sleep(0.02)
        finally:
            connection.close()

    worker = threading.Thread(target=beat)
    worker.start()
    started = time.perf_counter()
    try:
        result = send()
    finally:
        elapsed = time.perf_counter() - started
        stop.set()
        worker.join()
    return result, elapsed, max(waits, default=0.0)


def test_a_500_track_album_leaves_the_worker_room_to_write(api_client: Client) -> None:
    body = {"artist": "A", "album": "B", "tracks": [f"Track {n}" for n in range(500)]}

    response, elapsed, longest = _while_beating(
        lambda: api_client.post("/api/downloads/albums", body, content_type="application/json")
    )

    print(f"\n500-track album: {elapsed:.2f} s, longest heartbeat wait {longest * 1000:.0f} ms")
    assert response.status_code == 201
    assert Track.objects.filter(album__title="B").count() == 500
    assert longest < LONGEST_WAIT_S


def test_a_500_item_batch_leaves_the_worker_room_to_write(api_client: Client) -> None:
    items = [{"artist": "A", "title": f"T{n}"} for n in range(500)]
    body = {"action": "create", "items": items}

    response, elapsed, longest = _while_beating(
        lambda: api_client.post("/api/downloads/batch", body, content_type="application/json")
    )

    print(f"\n500-item batch: {elapsed:.2f} s, longest heartbeat wait {longest * 1000:.0f} ms")
    assert response.status_code == 200
    assert DownloadJob.objects.count() == 500
    assert longest < LONGEST_WAIT_S
