"""Fixtures that wire SoulSpot's settings to an in-process fake slskd."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from downloads.engine import step
from downloads.models import DownloadJob
from tests.fakes.slskd import FakeConfig, FakeSlskd, Network

API_KEY = "engine-test-key-0123456789"


def point_settings_at(settings, fake: FakeSlskd, data_dir: Path) -> None:
    settings.SLSKD_URL = fake.url
    settings.SLSKD_API_KEY = API_KEY
    settings.SLSKD_DOWNLOADS_DIR = fake.downloads_dir
    settings.DATA_DIR = data_dir
    settings.SLSKD_SEARCH_TIMEOUT_MS = 2000
    settings.ENGINE_STEP_SECONDS = 0.05


@pytest.fixture
def slskd_factory(settings, tmp_path: Path):
    """Start a fake slskd on `network` and point SoulSpot at it."""
    started: list[FakeSlskd] = []

    def start(network: Network | None = None, **config) -> FakeSlskd:
        fake = FakeSlskd(
            api_key=API_KEY, downloads_dir=tmp_path / "slskd" / "downloads", network=network,
            config=FakeConfig(**{"speed_scale": 40.0, **config}),
        )  # fmt: skip
        fake.start()
        started.append(fake)
        point_settings_at(settings, fake, tmp_path / "data")
        (tmp_path / "data").mkdir(exist_ok=True)
        return fake

    yield start
    for fake in started:
        fake.stop()


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
