"""End to end with a real django-q2 worker: "send test" answered 202 is posted by the worker,
and a new-release event reaches the webhook through the dispatcher and a send task."""

from __future__ import annotations

import os
import signal

import pytest

from automation import events
from automation.notifications import services
from soulspot.lib.queue import enqueue
from tests.automation.notify_support import listening
from tests.serve_support import start_qcluster, wait_for_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def worker(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    process = start_qcluster(data_dir, SOULSPOT_WORKERS="1")
    yield process
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=20)


def test_the_worker_sends_a_test_and_a_new_release(worker, api_client) -> None:
    with listening() as listener:
        target = services.create_target(listener.url())

        answer = api_client.post(f"/api/notifications/{target.pk}/test")
        assert answer.status_code == 202
        wait_for_worker(lambda: len(listener.bodies()) == 1, 60, "the test message")

        events.emit("new_release", "New release: Autechre – Confield")
        enqueue("automation.tasks.dispatch_notifications")
        wait_for_worker(lambda: len(listener.bodies()) == 2, 60, "the new release")

    titles = [body["title"] for body in listener.bodies()]
    assert titles == ["SoulSpot test notification", "SoulSpot: New release found"]
    target.refresh_from_db()
    assert target.last_result.startswith("sent “SoulSpot: New release found”")
