"""Three processes needing an expired Spotify token at once refresh it exactly once.

Spotify rotates refresh tokens: were two processes to refresh with the same one, the second
would get invalid_grant (the fake revokes a refresh token on use, as Spotify does) and the
account would need reconnecting. The children are real `manage.py shell` processes on the
test database; every answer of the fake is slowed down so the refresh is still in flight
when the others arrive.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import SpotifyConnection
from metadata.providers import spotify
from metadata.providers.spotify import store, tokens
from tests.spotify_support import (
    connect,
    expire_stored_token,
    fake_spotify,
    stored_token,
    successful_refreshes,
    world,
)

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 3
__all__ = ["fake_spotify", "world"]  # fixtures

CHILD = """
import pathlib, time
from metadata.providers import spotify
pathlib.Path("{ready}").touch()
go = pathlib.Path("{go}")
while not go.exists():
    time.sleep(0.01)
try:
    print("user", spotify.current_user().id, flush=True)
except Exception as exc:
    print("error", type(exc).__name__, exc, flush=True)
"""


def _child_env(fake, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOULSPOT_", "SPOTIFY_"))}
    env.update(
        SOULSPOT_DATA_DIR=str(data_dir),
        SOULSPOT_DATABASE_NAME=str(connection.settings_dict["NAME"]),
        SOULSPOT_SECRET_KEY_FILE=str(settings.SOULSPOT_SECRET_KEY_FILE),
        SOULSPOT_LOG_LEVEL="WARNING",
        SPOTIFY_CLIENT_ID=settings.SPOTIFY_CLIENT_ID,
        SPOTIFY_ACCOUNTS_URL=fake.url,
        SPOTIFY_API_URL=fake.url + "/v1",
        NO_PROXY="127.0.0.1,localhost",
    )
    return env


def _start_children(fake, tmp_path: Path, go: Path) -> list[subprocess.Popen]:
    (tmp_path / "child-data").mkdir()
    return [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "shell",
                "--verbosity=0",
                "-c",
                CHILD.format(go=go, ready=tmp_path / f"ready-{n}"),
            ],
            cwd=ROOT,
            env=_child_env(fake, tmp_path / "child-data"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]


def _wait_until_ready(tmp_path: Path, children: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("ready-*"))) < PROCESSES:
        assert all(child.poll() is None for child in children), [
            child.communicate() for child in children
        ]
        assert time.monotonic() < deadline, "the children did not start"
        time.sleep(0.05)


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_three_processes_refresh_an_expired_token_exactly_once(fake_spotify, tmp_path) -> None:
    connect()
    before = stored_token()
    expire_stored_token()
    go = tmp_path / "go"
    children = _start_children(fake_spotify, tmp_path, go)
    try:
        _wait_until_ready(tmp_path, children)
        # Every answer now takes a second: the winner's refresh is in flight while the
        # others look at the row.
        fake_spotify.hang_seconds = 1.0
        fake_spotify.set_mode("hang")
        go.touch()
        outputs = [child.communicate(timeout=60) for child in children]
    finally:
        for child in children:
            child.kill()

    assert [out.strip() for out, _ in outputs] == ["user me"] * PROCESSES, outputs
    refreshes = [r for r in fake_spotify.token_requests() if r["grant_type"] == "refresh_token"]
    assert [r["outcome"] for r in refreshes] == ["ok"]
    assert refreshes[0]["refresh_token"] == before["refresh_token"]
    after = stored_token()
    assert after["refresh_token"] != before["refresh_token"]
    calls = fake_spotify.api_requests(r"^/v1/me")[1:]  # after the connect's own
    assert len(calls) == PROCESSES
    assert {c.headers["authorization"] for c in calls} == {"Bearer " + after["access_token"]}
    row = SpotifyConnection.objects.get()
    assert (row.refresh_owner, row.refresh_started_at, row.error) == ("", None, "")


@pytest.mark.django_db
def test_a_lease_left_by_a_dead_process_is_taken_over(fake_spotify) -> None:
    connect()
    expire_stored_token()
    SpotifyConnection.objects.update(
        refresh_owner="crashed", refresh_started_at=timezone.now() - timedelta(seconds=31)
    )

    assert spotify.current_user().id == "me"

    assert len(successful_refreshes(fake_spotify)) == 1
    assert SpotifyConnection.objects.get().refresh_owner == ""


@pytest.mark.django_db
def test_a_live_lease_is_waited_for_then_reported_as_an_outage(fake_spotify, monkeypatch) -> None:
    connect()
    expire_stored_token()
    SpotifyConnection.objects.update(refresh_owner="busy", refresh_started_at=timezone.now())
    monkeypatch.setattr(tokens, "WAIT_SECONDS", 0.5)

    started = time.monotonic()
    with pytest.raises(spotify.SpotifyUnavailable, match="still renewing"):
        spotify.current_user()

    assert 0.5 <= time.monotonic() - started < 3
    assert successful_refreshes(fake_spotify) == []
    assert store.refresh_in_progress()  # someone else's lease is left alone
