"""The fake Last.fm, running, with SoulSpot's Last.fm settings pointing at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fakes.lastfm import DEFAULT_API_KEY, FakeLastFm, LastFmWorld


@pytest.fixture
def world() -> LastFmWorld:
    return LastFmWorld()


@pytest.fixture
def fake_lastfm(settings, world: LastFmWorld) -> Iterator[FakeLastFm]:
    """A fake Last.fm serving `world`; providers on, our key, no pacing (a test turns it on)."""
    server = FakeLastFm(world)
    settings.LASTFM_URL = server.start()
    settings.LASTFM_API_KEY = DEFAULT_API_KEY
    settings.LASTFM_RATE_LIMIT_SECONDS = 0
    settings.METADATA_PROVIDERS_ENABLED = True
    settings.METADATA_PROVIDER_TIMEOUT_SECONDS = 2
    try:
        yield server
    finally:
        server.stop()
