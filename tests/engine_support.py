"""Helpers for tests that drive the download engine against an in-process fake slskd, in this
process (`run_engine_until`) or through a real django-q2 worker (`start_worker`)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from downloads.engine import step
from downloads.models import DownloadJob
from fakes.slskd import FakeSlskd
from tests.serve_support import start_qcluster

API_KEY = "engine-test-key-0123456789"
ROOT = Path(__file__).resolve().parents[1]


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


def start_worker(fake, data_dir: Path, **extra_env: str) -> subprocess.Popen:
    """A worker cluster pointed at the fake slskd."""
    settings_env = {
        "SLSKD_URL": fake.url,
        "SLSKD_API_KEY": API_KEY,
        "SLSKD_DOWNLOADS_DIR": str(fake.downloads_dir),
        "SLSKD_SEARCH_TIMEOUT_MS": "2000",
        "SOULSPOT_METADATA_PROVIDERS": "false",
    }
    return start_qcluster(data_dir, **{**settings_env, **extra_env})


def kill_hard(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def wait_for(predicate, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(list(DownloadJob.objects.values_list("status", "status_reason", "error")))
