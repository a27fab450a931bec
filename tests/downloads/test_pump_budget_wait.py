"""A job the search budget held back for a few seconds is waited for by the running pump, not
left to the one-minute watchdog (with several workers, the queue would stall for a minute)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from downloads.engine import pump
from tests.factories import DownloadJobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _short_pump(settings) -> None:
    settings.ENGINE_PUMP_SECONDS = 0.5
    settings.ENGINE_STEP_SECONDS = 0.05


def test_a_job_due_within_the_pump_time_keeps_the_pump_stepping() -> None:
    DownloadJobFactory(next_attempt_at=timezone.now() + timedelta(seconds=0.3))
    result = pump()
    assert not result.startswith("0 steps"), result
    assert result.endswith("more work queued")


def test_a_job_due_after_the_pump_time_is_left_to_the_watchdog() -> None:
    DownloadJobFactory(next_attempt_at=timezone.now() + timedelta(seconds=5))
    assert pump() == "0 steps; queue idle"
