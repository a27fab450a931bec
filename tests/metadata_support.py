"""Tests against the fake MusicBrainz, Cover Art Archive and LRCLIB: start one on its own port
and point SoulSpot's settings at it.

A test module imports the `catalog` fixture (an empty catalogue, unless it defines its own) and
names its running fake with `fake_fixture`:

    fake = fake_fixture(FakeMusicBrainz, MUSICBRAINZ_MAX_ATTEMPTS=1)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from fakes.metadata_services import FakeCoverArt, FakeLrclib, FakeMusicBrainz, MetadataCatalog
from fakes.metadata_services.server import FakeServer

# The setting that holds each fake's base URL.
_URL_SETTINGS: dict[type[FakeServer], str] = {
    FakeMusicBrainz: "MUSICBRAINZ_URL",
    FakeCoverArt: "COVERART_URL",
    FakeLrclib: "LRCLIB_URL",
}
# The conftest switches providers off; a short timeout fails a stuck test quickly; MusicBrainz's
# one-request-a-second pacing would only slow tests down (a test that checks it turns it on).
_DEFAULTS: dict[type[FakeServer], dict[str, object]] = {
    FakeMusicBrainz: {"MUSICBRAINZ_RATE_LIMIT_SECONDS": 0},
}


@pytest.fixture
def catalog() -> MetadataCatalog:
    return MetadataCatalog()


@contextmanager
def running_fake(
    server_class: type[FakeServer], catalog: MetadataCatalog, settings, **overrides: object
) -> Iterator[FakeServer]:
    """A started fake of `server_class` serving `catalog`, with providers switched on, the
    fake's URL setting pointing at it and `overrides` applied to `settings`; stopped after."""
    server = server_class(catalog)
    setattr(settings, _URL_SETTINGS[server_class], server.start())
    values = {
        "METADATA_PROVIDERS_ENABLED": True,
        "METADATA_PROVIDER_TIMEOUT_SECONDS": 2,
        **_DEFAULTS.get(server_class, {}),
        **overrides,
    }
    for name, value in values.items():
        setattr(settings, name, value)
    try:
        yield server
    finally:
        server.stop()


def fake_fixture(server_class: type[FakeServer], **overrides: object) -> Callable:
    """A fixture (named by the module variable it is assigned to) yielding a running fake of
    `server_class` that serves the `catalog` fixture, set up by `running_fake`."""

    @pytest.fixture
    def running(settings, catalog: MetadataCatalog, db: None) -> Iterator[FakeServer]:
        # `db`: answers are remembered in the database (metadata.providers.cache).
        with running_fake(server_class, catalog, settings, **overrides) as server:
            yield server

    return running
