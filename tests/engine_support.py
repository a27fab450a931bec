"""Helpers for tests that drive the download engine against an in-process fake slskd."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from downloads.engine import step
from downloads.models import DownloadJob
from fakes.slskd import FakeSlskd

API_KEY = "engine-test-key-0123456789"


def point_settings_at(settings, fake: FakeSlskd, data_dir: Path) -> None:
    settings.SLSKD_URL = fake.url
    settings.SLSKD_API_KEY = API_KEY
    settings.SLSKD_DOWNLOADS_DIR = fake.downloads_dir
    settings.DATA_DIR = data_dir
    settings.SOULSPOT_RECYCLE_DIR = data_dir / "recycle"
    settings.SOULSPOT_QUARANTINE_DIR = data_dir / "quarantine"
    settings.SLSKD_SEARCH_TIMEOUT_MS = 2000
    settings.ENGINE_STEP_SECONDS = 0.05


def run_engine_until(done: Callable[[], bool], *, timeout: float = 60, pause: float = 0.05) -> int:
    """Call the engine step (as the pump does) until `done()`; returns the number of steps."""
    deadline = time.monotonic() + timeout
    steps = 0
    while time.monotonic() < deadline:
        step()
        steps += 1
        if done():
            return steps
        time.sleep(pause)
    states = list(DownloadJob.objects.values_list("pk", "status", "status_reason", "error"))
    raise AssertionError(f"engine did not settle in {timeout} s: {states}")


def all_settled() -> bool:
    unsettled = DownloadJob.objects.filter(
        status__in=[
            DownloadJob.Status.QUEUED,
            DownloadJob.Status.SEARCHING,
            DownloadJob.Status.DOWNLOADING,
        ]
    )
    return not unsettled.exists()
