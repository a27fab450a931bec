"""The pump: one at a time, bounded, and idle when nothing is due."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from downloads.engine import pump
from downloads.engine.pump import _take_lease
from downloads.models import DownloadJob, EngineSettings
from tests.factories import DownloadJobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _short_pump(settings) -> None:
    settings.ENGINE_PUMP_SECONDS = 0.3
    settings.ENGINE_STEP_SECONDS = 0.05


def test_an_idle_queue_takes_no_steps() -> None:
    DownloadJobFactory(next_attempt_at=timezone.now() + timedelta(minutes=5))
    assert pump() == "0 steps; queue idle"


def test_a_due_job_is_stepped_and_told_why_it_waits() -> None:
    job = DownloadJobFactory()
    result = pump()
    assert result.endswith("more work queued") and not result.startswith("0 ")
    job.refresh_from_db()
    assert job.status_reason.startswith("slskd is not configured")


def test_a_global_pause_leaves_queued_jobs_to_wait() -> None:
    DownloadJobFactory()
    EngineSettings.load()
    EngineSettings.objects.update(paused=True)
    assert pump() == "0 steps; queue idle"


def test_only_one_pump_holds_the_lease() -> None:
    assert _take_lease() is True
    assert pump() == "another pump is running"
    assert DownloadJob.objects.count() == 0
