"""The throttling limits come from the environment, with the documented defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXPRESSION = "settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME.total_seconds()"


def _run(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SOULSPOT_")}
    code = f"import django; django.setup(); from django.conf import settings; print({EXPRESSION})"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "soulspot.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_defaults_are_five_failures_and_fifteen_minutes(tmp_path: Path) -> None:
    assert _run({"SOULSPOT_DATA_DIR": str(tmp_path)}).stdout.strip() == "5 900.0"


def test_the_environment_sets_the_limit_and_the_lockout(tmp_path: Path) -> None:
    env = {
        "SOULSPOT_DATA_DIR": str(tmp_path),
        "SOULSPOT_LOGIN_FAILURE_LIMIT": "3",
        "SOULSPOT_LOGIN_LOCKOUT_MINUTES": "60",
    }
    assert _run(env).stdout.strip() == "3 3600.0"


def test_a_zero_limit_stops_the_start_naming_the_variable(tmp_path: Path) -> None:
    result = _run({"SOULSPOT_DATA_DIR": str(tmp_path), "SOULSPOT_LOGIN_FAILURE_LIMIT": "0"})
    assert result.returncode == 2
    assert "SOULSPOT_LOGIN_FAILURE_LIMIT must be between 1 and 1000" in result.stderr
