"""MusicBrainz answers come from the provider cache while fresh: no request, no pacing slot.

Real musicbrainzngs against the fake MusicBrainz over HTTP (the fake records every request).
Time passing is simulated by moving the stored rows back in time.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db.models import F

from fakes.metadata_services import FakeMusicBrainz, MetadataCatalog
from metadata.models import ProviderPace, ProviderResponse
from metadata.providers import cache
from metadata.providers import musicbrainz as mb
from tests.metadata_support import fake_fixture

UNKNOWN_MBID = "00000000-0000-4000-8000-000000000000"
ISRC = "GBNEO2400001"


@pytest.fixture
def catalog() -> MetadataCatalog:
    catalog = MetadataCatalog()
    catalog.add_release(
        "Night Drive",
        "Neon Harbor",
        tracks=[("Intro", 61_000), ("Afterglow", 245_000, ISRC)],
        date="2024-03-15",
    )
    return catalog


@pytest.fixture
def release_id(catalog: MetadataCatalog) -> str:
    return next(iter(catalog.releases))


fake = fake_fixture(FakeMusicBrainz)


def _age(days: float) -> None:
    """As if `days` had passed since every stored answer was fetched."""
    shift = timedelta(days=days)
    ProviderResponse.objects.update(
        fetched_at=F("fetched_at") - shift, expires_at=F("expires_at") - shift
    )


def _figure(kind: str) -> cache.CacheFigure:
    return next(f for f in cache.cache_figures() if f.kind == kind)


def test_a_second_lookup_of_the_same_recording_within_the_ttl_makes_no_request(fake) -> None:
    first = mb.recording_by_isrc(ISRC)
    _age(29)
    second = mb.recording_by_isrc(ISRC)

    assert second == first and first[0].title == "Afterglow"
    assert len(fake.requests_for("/ws/2/isrc/")) == 1
    row = ProviderResponse.objects.get()
    assert row.kind == "musicbrainz.lookup" and row.key.startswith("get_recordings_by_isrc[")
    assert (row.hits, row.loads) == (1, 1)


def test_after_thirty_days_the_lookup_asks_again(fake, release_id) -> None:
    mb.get_release(release_id)
    row = ProviderResponse.objects.get()
    assert row.expires_at - row.fetched_at == timedelta(days=30)

    _age(30)
    assert mb.get_release(release_id).title == "Night Drive"

    assert len(fake.requests_for("/ws/2/release/")) == 2
    assert ProviderResponse.objects.get().loads == 2  # the same row, refreshed


def test_different_arguments_are_different_answers(fake, release_id, catalog) -> None:
    group_id = next(iter(catalog.release_groups))
    mb.get_release(release_id)
    mb.get_release_group(group_id)
    mb.get_release(release_id)
    mb.get_release_group(group_id)

    assert len(fake.requests) == 2
    assert ProviderResponse.objects.count() == 2


def test_a_404_is_remembered_for_a_day_then_asked_again(fake) -> None:
    with pytest.raises(mb.MusicBrainzNotFound):
        mb.get_release(UNKNOWN_MBID)
    with pytest.raises(mb.MusicBrainzNotFound):
        mb.get_release(UNKNOWN_MBID)
    assert len(fake.requests) == 1
    row = ProviderResponse.objects.get()
    assert row.not_found and row.value is None
    assert row.expires_at - row.fetched_at == timedelta(days=1)

    _age(1)
    with pytest.raises(mb.MusicBrainzNotFound):
        mb.get_release(UNKNOWN_MBID)
    assert len(fake.requests) == 2


def test_an_unknown_isrc_remembered_as_404_is_still_no_match(fake) -> None:
    assert mb.recording_by_isrc("XXNEO0000000") == []
    assert mb.recording_by_isrc("XXNEO0000000") == []

    assert len(fake.requests) == 1


def test_searches_expire_after_one_day(fake) -> None:
    first = mb.search_recording("Neon Harbor", "Afterglow")
    _age(0.9)
    assert mb.search_recording("Neon Harbor", "Afterglow") == first
    assert len(fake.requests) == 1
    row = ProviderResponse.objects.get()
    assert row.kind == "musicbrainz.search"
    assert row.expires_at - row.fetched_at == timedelta(days=1)

    _age(0.1)
    assert mb.search_recording("Neon Harbor", "Afterglow") == first
    assert len(fake.requests) == 2


def test_browses_are_searches(fake, catalog) -> None:
    artist_id = next(iter(catalog.artists))
    mb.release_groups_of_artist(artist_id)
    mb.release_groups_of_artist(artist_id)

    assert len(fake.requests) == 1
    assert ProviderResponse.objects.get().kind == "musicbrainz.search"


def test_bypass_asks_again_and_refreshes_the_stored_answer(fake, catalog, release_id) -> None:
    assert mb.get_release(release_id).title == "Night Drive"
    catalog.releases[release_id].title = "Night Drive (Remastered)"
    assert mb.get_release(release_id).title == "Night Drive"  # still the remembered answer

    with cache.bypass():
        assert mb.get_release(release_id).title == "Night Drive (Remastered)"
    assert len(fake.requests) == 2

    assert mb.get_release(release_id).title == "Night Drive (Remastered)"
    assert len(fake.requests) == 2  # the refreshed answer was stored
    assert ProviderResponse.objects.get().loads == 2


def test_unavailable_is_never_cached(fake, settings, release_id) -> None:
    settings.MUSICBRAINZ_MAX_ATTEMPTS = 1
    fake.set_mode("503")
    with pytest.raises(mb.MusicBrainzUnavailable):
        mb.get_release(release_id)
    assert not ProviderResponse.objects.exists()

    fake.set_mode("ok")
    assert mb.get_release(release_id).title == "Night Drive"
    assert len(fake.requests) == 2


def test_an_outage_after_an_answer_keeps_the_stored_answer(fake, settings, release_id) -> None:
    settings.MUSICBRAINZ_MAX_ATTEMPTS = 1
    mb.get_release(release_id)
    fake.set_mode("503")
    with cache.bypass(), pytest.raises(mb.MusicBrainzUnavailable):
        mb.get_release(release_id)

    assert mb.get_release(release_id).title == "Night Drive"
    assert ProviderResponse.objects.get().loads == 1


@pytest.mark.django_db  # the pace is shared through the database
def test_a_cache_hit_takes_no_pacing_slot(fake, settings, release_id) -> None:
    settings.MUSICBRAINZ_RATE_LIMIT_SECONDS = 30  # a second request would wait half a minute
    mb.get_release(release_id)
    next_slot = ProviderPace.objects.get(service="musicbrainz").next_slot_at

    started = time.monotonic()
    mb.get_release(release_id)

    assert time.monotonic() - started < 5
    assert ProviderPace.objects.get(service="musicbrainz").next_slot_at == next_slot
    assert len(fake.requests) == 1


def test_providers_switched_off_answer_unavailable_even_from_the_cache(
    fake, settings, release_id
) -> None:
    mb.get_release(release_id)
    settings.METADATA_PROVIDERS_ENABLED = False

    with pytest.raises(mb.MusicBrainzUnavailable):
        mb.get_release(release_id)


def test_hit_and_miss_figures_per_kind(fake, release_id) -> None:
    for _ in range(3):
        mb.get_release(release_id)
    mb.search_recording("Neon Harbor", "Afterglow")
    with pytest.raises(mb.MusicBrainzNotFound):
        mb.get_release(UNKNOWN_MBID)

    lookup = _figure("musicbrainz.lookup")
    assert (lookup.entries, lookup.fresh, lookup.hits, lookup.misses) == (2, 2, 2, 2)
    assert lookup.hit_rate == 0.5
    search = _figure("musicbrainz.search")
    assert (search.entries, search.hits, search.misses, search.hit_rate) == (1, 0, 1, 0.0)


def test_a_zero_ttl_stores_nothing(fake, settings, release_id) -> None:
    settings.METADATA_CACHE_TTL_DAYS = {**settings.METADATA_CACHE_TTL_DAYS, "musicbrainz.lookup": 0}
    mb.get_release(release_id)
    mb.get_release(release_id)
    for _ in range(2):
        with pytest.raises(mb.MusicBrainzNotFound):
            mb.get_release(UNKNOWN_MBID)

    assert len(fake.requests) == 4
    assert not ProviderResponse.objects.exists()
