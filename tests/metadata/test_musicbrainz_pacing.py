"""MusicBrainz's one request a second holds across processes: every request reserves its slot
in the database (`metadata.providers.pacing`), so the web process and several workers together
never go faster than MUSICBRAINZ_RATE_LIMIT_SECONDS. The children are real `manage.py shell`
processes on the test database, all asking at once."""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from fakes.metadata_services import FakeMusicBrainz, MetadataCatalog
from metadata.models import ProviderPace
from metadata.providers import cache, musicbrainz, pacing
from tests.serve_support import clean_env

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 3
REQUESTS_EACH = 4
INTERVAL = 0.25
CHILD = """
import pathlib, time
from metadata.providers import cache, musicbrainz
pathlib.Path("{ready}").touch()
go = pathlib.Path("{go}")
while not go.exists():
    time.sleep(0.01)
with cache.bypass():  # every lookup a request: the pace is under test, not the cache
    for _ in range({count}):
        musicbrainz.get_artist("{artist_id}")
print("ok", flush=True)
"""


def _child(tmp_path: Path, n: int, url: str, artist_id: str) -> subprocess.Popen:
    code = CHILD.format(
        ready=tmp_path / f"ready-{n}", go=tmp_path / "go", count=REQUESTS_EACH, artist_id=artist_id
    )
    env = clean_env(
        tmp_path / "child-data",
        SOULSPOT_DATABASE_NAME=str(connection.settings_dict["NAME"]),
        SOULSPOT_LOG_LEVEL="WARNING",
        SOULSPOT_METADATA_PROVIDERS="true",
        SOULSPOT_MUSICBRAINZ_RATE_LIMIT_MS=str(int(INTERVAL * 1000)),
        MUSICBRAINZ_URL=url,
        NO_PROXY="127.0.0.1,localhost",
    )
    return subprocess.Popen(
        [sys.executable, "manage.py", "shell", "--verbosity=0", "-c", code],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_until_ready(tmp_path: Path, children: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("ready-*"))) < PROCESSES:
        assert all(c.poll() is None for c in children), [c.communicate() for c in children]
        assert time.monotonic() < deadline, "the children did not start"
        time.sleep(0.05)


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_processes_asking_at_once_keep_to_one_request_per_interval(tmp_path) -> None:
    catalog = MetadataCatalog()
    artist_id = catalog.add_artist("Dynamo Go")
    (tmp_path / "child-data").mkdir()
    # The fake answers 503 to a request sooner than this after the previous one, as
    # MusicBrainz does; a little slack for the time a request spends on the wire.
    with (
        server := FakeMusicBrainz(catalog, enforce_rate_limit=True, min_interval=INTERVAL - 0.05)
    ) as url:
        children = [_child(tmp_path, n, url, artist_id) for n in range(PROCESSES)]
        try:
            _wait_until_ready(tmp_path, children)
            (tmp_path / "go").touch()
            outputs = [c.communicate(timeout=60) for c in children]
        finally:
            for child in children:
                child.kill()

    assert [out.strip() for out, _ in outputs] == ["ok"] * PROCESSES, outputs
    times = sorted(r.at for r in server.requests)
    assert len(times) == PROCESSES * REQUESTS_EACH  # no 503, so no retries
    assert min(b - a for a, b in itertools.pairwise(times)) >= INTERVAL - 0.05


@pytest.mark.django_db
def test_each_reservation_takes_the_next_slot(settings) -> None:
    first = pacing.reserve_slot("test-service", 0.5)
    second = pacing.reserve_slot("test-service", 0.5)
    third = pacing.reserve_slot("test-service", 0.5)

    assert first <= 0.01
    assert 0.4 < second <= 0.5 and 0.9 < third <= 1.0
    assert ProviderPace.objects.get(service="test-service").next_slot_at is not None


@pytest.mark.django_db
def test_no_interval_means_no_pacing_and_no_database_row() -> None:
    assert pacing.wait_for_slot("musicbrainz", 0) == 0.0
    assert not ProviderPace.objects.exists()


@pytest.mark.django_db
def test_one_process_waits_its_turn_between_requests(settings) -> None:
    catalog = MetadataCatalog()
    artist_id = catalog.add_artist("Dynamo Go")
    settings.METADATA_PROVIDERS_ENABLED = True
    settings.MUSICBRAINZ_RATE_LIMIT_SECONDS = 0.2
    with (server := FakeMusicBrainz(catalog, enforce_rate_limit=True, min_interval=0.15)) as url:
        settings.MUSICBRAINZ_URL = url
        with cache.bypass():  # every lookup a request: the pace is under test, not the cache
            for _ in range(3):
                assert musicbrainz.get_artist(artist_id).name == "Dynamo Go"

    times = [r.at for r in server.requests]
    assert len(times) == 3
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.15
