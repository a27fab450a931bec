"""The Cover Art Archive and LRCLIB are asked politely: their requests are spaced across every
process through the shared pace table (COVERART_/LRCLIB_RATE_LIMIT_SECONDS), and cover images
are never cached."""

from __future__ import annotations

import itertools

import pytest

from fakes.metadata_services import FakeCoverArt, FakeLrclib, MetadataCatalog
from metadata.models import ProviderPace, ProviderResponse
from metadata.providers import coverart, lrclib
from tests.metadata_support import running_fake

INTERVAL = 0.6
# Slots are INTERVAL apart, but a request reaches the fake some time after its slot began
# (a new HTTP client each time, a busy machine): unpaced requests would be milliseconds apart.
MIN_GAP = INTERVAL / 2


@pytest.fixture
def catalog() -> MetadataCatalog:
    catalog = MetadataCatalog()
    catalog.add_release("Covered", "Painter", tracks=["One"])
    catalog.add_lyrics("Neon Harbor", "Afterglow", duration_s=245.0, plain="Only line\n")
    return catalog


def _gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(times)]


@pytest.mark.django_db
def test_cover_requests_are_spaced_and_images_not_cached(settings, catalog) -> None:
    release_id = next(iter(catalog.releases))
    with running_fake(
        FakeCoverArt, catalog, settings, COVERART_RATE_LIMIT_SECONDS=INTERVAL
    ) as fake:
        covers = [coverart.front_cover(release_id) for _ in range(3)]

    assert all(c and c.startswith(b"\xff\xd8\xff") for c in covers)
    asked = [r.at for r in fake.requests if r.path.startswith("/release/")]
    assert len(asked) == 3  # every cover is downloaded again: image bytes are not cached
    assert min(_gaps(asked)) >= MIN_GAP
    assert ProviderPace.objects.filter(service=coverart.PACE_SERVICE).exists()
    assert not ProviderResponse.objects.exists()


@pytest.mark.django_db
def test_lyrics_requests_are_spaced(settings, catalog) -> None:
    with running_fake(FakeLrclib, catalog, settings, LRCLIB_RATE_LIMIT_SECONDS=INTERVAL) as fake:
        assert lrclib.get_lyrics("Neon Harbor", "Afterglow", duration_ms=245_000)
        assert lrclib.get_lyrics("Neon Harbor", "Unknown") is None  # /api/get, then /api/search

    times = [r.at for r in fake.requests]
    assert len(times) == 3
    assert min(_gaps(times)) >= MIN_GAP
    assert ProviderPace.objects.filter(service=lrclib.PACE_SERVICE).exists()


def test_polite_defaults_are_on_outside_tests() -> None:
    from soulspot import settings as defaults

    assert defaults.COVERART_RATE_LIMIT_SECONDS > 0 and defaults.LRCLIB_RATE_LIMIT_SECONDS > 0
