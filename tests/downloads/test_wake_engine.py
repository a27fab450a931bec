"""At most one pump task waits in the queue, however many requests wake the engine (finding 12)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_q.models import OrmQ

from downloads import services
from downloads.models import EngineSettings
from downloads.tasks import pump_engine

pytestmark = pytest.mark.django_db(transaction=True)


def _queued_pumps() -> int:
    """Pump tasks waiting in django-q's ORM queue (each enqueue is one OrmQ row)."""
    tasks = [row.task for row in OrmQ.objects.all()]
    return sum(1 for task in tasks if task["args"][:1] == ("downloads.tasks.pump_engine",))


def test_fifty_wakes_queue_one_pump() -> None:
    queued = [services.wake_engine() for _ in range(50)]
    assert queued.count(True) == 1
    assert _queued_pumps() == 1


def test_concurrent_wakes_queue_one_pump() -> None:
    EngineSettings.load()
    barrier = threading.Barrier(8)
    results: list[object] = []

    def wake() -> None:
        barrier.wait()
        try:
            results.append(services.wake_engine())
        except Exception as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wake) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=str) == [False] * 7 + [True]
    assert _queued_pumps() == 1


def test_wants_posted_one_after_another_queue_one_pump() -> None:
    for n in range(30):
        services.queue_track_download(artist="Stream", title=f"Song {n}")
    assert _queued_pumps() == 1


def test_once_the_pump_starts_the_next_wake_queues_another() -> None:
    services.wake_engine()
    pump_engine()  # the queued pump runs (nothing to do here) and lets go of the request
    assert services.wake_engine() is True
    assert services.wake_engine() is False
    assert _queued_pumps() == 2


def test_a_request_whose_task_was_lost_is_claimed_again() -> None:
    services.wake_engine()
    OrmQ.objects.all().delete()  # the task is gone; its request would block waking forever
    assert services.wake_engine() is False
    long_ago = timezone.now() - timedelta(minutes=10)
    EngineSettings.objects.filter(pk=1).update(pump_requested_at=long_ago)
    assert services.wake_engine() is True
    assert _queued_pumps() == 1
