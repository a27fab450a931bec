"""`restore` against a running `serve`: refused (serve holds `<data>/serve.lock`), and allowed
again once serve has stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.serve_support import ROOT, clean_env, free_port, start_serve

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(autouse=True)
def _sqlite_only() -> None:
    """These read SQLite files; the PostgreSQL path has its own module (test_backups_postgres)."""
    if os.environ.get("DATABASE_URL"):
        pytest.skip("SQLite backups")


def _manage(data: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_env(data),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_restore_is_refused_while_serve_runs_and_allowed_after(tmp_path: Path) -> None:
    data = tmp_path / "data"
    backup = _manage(data, "backup", "--output", str(tmp_path / "out"))
    assert backup.returncode == 0, backup.stderr
    archive = backup.stdout.strip()
    serve = start_serve(data, free_port())
    try:
        deadline = time.monotonic() + 60
        while not (data / "serve.lock").exists() and time.monotonic() < deadline:
            assert serve.poll() is None, serve.stdout.read()
            time.sleep(0.2)

        refused = _manage(data, "restore", "--force", archive)

        assert refused.returncode == 1
        assert "SoulSpot is running" in refused.stderr
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.communicate(timeout=60)

    allowed = _manage(data, "restore", "--force", archive)
    assert allowed.returncode == 0, allowed.stderr
