"""Shared fixtures: users, authenticated clients, and a guard that keeps tests off the internet."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from django.test import Client

from accounts.models import ApiKey
from fakes.slskd import FakeConfig, FakeSlskd, Network
from tests.engine_support import API_KEY, point_settings_at

_LOCAL_HOSTS = {"127.0.0.1", "::1", "localhost", "0.0.0.0", ""}


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection to a non-loopback address fails loudly: fakes live on localhost."""
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else ""
        if self.family in (socket.AF_INET, socket.AF_INET6) and host not in _LOCAL_HOSTS:
            raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


@pytest.fixture(autouse=True)
def _isolated_dirs(settings, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test gets its own music dir, so nothing touches a developer's library."""
    music = tmp_path_factory.mktemp("music")
    settings.MUSIC_DIR = music
    # The folders that default to places inside the music dir follow it.
    settings.SOULSPOT_STAGING_DIR = music.resolve() / ".soulspot-staging"
    settings.SOULSPOT_PLAYLIST_DIR = music
    settings.SOULSPOT_API_KEY = ""
    settings.SLSKD_URL = ""
    settings.SLSKD_API_KEY = ""
    settings.METADATA_PROVIDERS_ENABLED = False
    # Polite pacing of the fakes would only slow tests down (a test that checks it turns it on).
    settings.COVERART_RATE_LIMIT_SECONDS = settings.LRCLIB_RATE_LIMIT_SECONDS = 0


@pytest.fixture(autouse=True)
def _isolated_setup_token(settings, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test has its own setup token and key files, never the developer's data dir."""
    data = tmp_path_factory.mktemp("data")
    settings.SOULSPOT_SETUP_TOKEN_FILE = data / "setup_token"
    # Nor the developer's key for secrets at rest (Spotify tokens).
    settings.SOULSPOT_SECRET_KEY_FILE = data / "secret.key"


@pytest.fixture(autouse=True)
def _fresh_metadata_settings() -> None:
    """The metadata settings row is kept per process for a few seconds; each test's database
    starts without it."""
    from library.models import provenance

    provenance._loaded.clear()


@pytest.fixture(autouse=True)
def _runtime_settings_looked_up_on_demand(settings) -> None:
    """Each process looks for changed runtime settings every few seconds (one query). In tests
    it looks only when a test asks: a page's query count must not depend on the clock."""
    from soulspot import runtime_settings

    settings.SOULSPOT_RUNTIME_SETTINGS_CHECK_SECONDS = float("inf")
    runtime_settings.forget(checked=True)


@pytest.fixture
def user(db, django_user_model):
    return django_user_model.objects.create_superuser("owner", password="correct-horse-battery")


@pytest.fixture
def logged_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def api_key(db) -> str:
    _, raw = ApiKey.generate("tests")
    return raw


@pytest.fixture
def api_client(api_key: str) -> Client:
    """A client that authenticates to the REST API with an admin-created key."""
    return Client(headers={"X-API-Key": api_key})


@pytest.fixture
def slskd_factory(settings, tmp_path: Path):
    """Start a fake slskd on `network` and point SoulSpot at it."""
    started: list[FakeSlskd] = []

    def start(network: Network | None = None, **config) -> FakeSlskd:
        fake = FakeSlskd(
            api_key=API_KEY,
            downloads_dir=tmp_path / "slskd" / "downloads",
            network=network,
            config=FakeConfig(**{"speed_scale": 40.0, **config}),
        )
        fake.start()
        started.append(fake)
        point_settings_at(settings, fake, tmp_path / "data")
        (tmp_path / "data").mkdir(exist_ok=True)
        return fake

    yield start
    for fake in started:
        fake.stop()
