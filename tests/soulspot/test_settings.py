"""Settings come from the environment; bad values stop the start with one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from soulspot.lib.env import ConfigError, env_bool, env_int, env_url

ROOT = Path(__file__).resolve().parents[2]


def _manage(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SOULSPOT_", "SLSKD_", "DATABASE_URL"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_non_numeric_port_stops_the_start_naming_the_variable(tmp_path: Path) -> None:
    result = _manage(["check"], {"SOULSPOT_DATA_DIR": str(tmp_path), "SOULSPOT_PORT": "abc"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "soulspot: configuration error: SOULSPOT_PORT must be a whole number (got 'abc')"
    ]


def test_an_unwritable_data_dir_stops_the_start_with_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = _manage(["check"], {"SOULSPOT_DATA_DIR": str(blocker / "data")})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("soulspot: configuration error: SOULSPOT_DATA_DIR:")
    assert "not writable" in lines[0]


def test_with_nothing_configured_the_data_dir_gets_a_persistent_secret(tmp_path: Path) -> None:
    assert _manage(["check"], {"SOULSPOT_DATA_DIR": str(tmp_path)}).returncode == 0
    secret = (tmp_path / "secret_key").read_text()
    assert len(secret) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert _manage(["check"], {"SOULSPOT_DATA_DIR": str(tmp_path)}).returncode == 0
    assert (tmp_path / "secret_key").read_text() == secret
    assert (tmp_path / "music").is_dir()


def test_a_bad_slskd_url_is_refused(tmp_path: Path) -> None:
    result = _manage(["check"], {"SOULSPOT_DATA_DIR": str(tmp_path), "SLSKD_URL": "localhost:5030"})
    assert result.returncode == 2
    assert "SLSKD_URL must start with http:// or https://" in result.stderr


@pytest.mark.parametrize(
    ("reader", "value", "message"),
    [
        (
            lambda: env_int("X_PORT", 1, minimum=1, maximum=10),
            "11",
            "X_PORT must be between 1 and 10",
        ),
        (lambda: env_bool("X_FLAG"), "maybe", "X_FLAG must be true or false"),
        (lambda: env_url("X_URL"), "ftp://x", "X_URL must start with http://"),
    ],
)
def test_readers_name_the_variable_in_their_error(monkeypatch, reader, value, message) -> None:
    name = message.split()[0]
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        reader()


def test_sqlite_is_set_up_for_concurrent_writers(settings) -> None:
    from soulspot.settings import _database

    database = _database()
    if database["ENGINE"].endswith("sqlite3"):
        assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
        assert "busy_timeout" in database["OPTIONS"]["init_command"]
    assert not settings.DATABASES["default"].get("ATOMIC_REQUESTS")
