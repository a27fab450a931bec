"""`cache.remember` itself: keys, times to live, concurrent writers, pruning and clearing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from metadata.models import ProviderCacheTally, ProviderResponse
from metadata.providers import cache
from metadata.providers.base import NotFound, ProviderUnavailable

pytestmark = pytest.mark.django_db


class Loader:
    """A `load` that counts its calls and answers `value` (or raises it)."""

    def __init__(self, value: object) -> None:
        self.value = value
        self.calls = 0

    def __call__(self) -> object:
        self.calls += 1
        if isinstance(self.value, Exception):
            raise self.value
        return self.value


class GoneHere(NotFound):
    pass


def _expire(**filters: object) -> None:
    past = timezone.now() - timedelta(seconds=1)
    ProviderResponse.objects.filter(**filters).update(expires_at=past)


def test_an_answer_is_stored_as_json_and_served_from_the_row() -> None:
    load = Loader({"release": {"title": "A", "tracks": ("x", "y")}})

    first = cache.remember("musicbrainz.lookup", "get_release_by_id['a']", load)
    second = cache.remember("musicbrainz.lookup", "get_release_by_id['a']", load)

    assert first == second == {"release": {"title": "A", "tracks": ["x", "y"]}}
    assert load.calls == 1


def test_an_unknown_kind_lives_one_day() -> None:
    cache.remember("somewhere.else", "k", Loader(1))

    row = ProviderResponse.objects.get()
    assert row.expires_at - row.fetched_at == timedelta(days=1)


def test_lastfm_tags_live_thirty_days() -> None:
    cache.remember("lastfm.tags", "track:a:b", Loader(["rock"]))

    row = ProviderResponse.objects.get()
    assert row.expires_at - row.fetched_at == timedelta(days=30)


def test_a_remembered_404_is_raised_as_the_callers_not_found() -> None:
    with pytest.raises(NotFound):
        cache.remember("lastfm.tags", "gone", Loader(NotFound("no such track")), not_found=GoneHere)
    load = Loader("never")

    with pytest.raises(GoneHere):
        cache.remember("lastfm.tags", "gone", load, not_found=GoneHere)
    assert load.calls == 0


def test_unavailable_and_other_errors_are_not_remembered() -> None:
    for error in (ProviderUnavailable("down"), ValueError("bug")):
        with pytest.raises(type(error)):
            cache.remember("musicbrainz.lookup", "k", Loader(error))

    assert not ProviderResponse.objects.exists()


def test_a_long_key_is_stored_as_a_readable_start_and_a_digest() -> None:
    start = "search_recordings" + "x" * 300
    cache.remember("musicbrainz.search", start + "one", Loader(1))
    cache.remember("musicbrainz.search", start + "two", Loader(2))

    assert cache.remember("musicbrainz.search", start + "one", Loader(9)) == 1
    assert cache.remember("musicbrainz.search", start + "two", Loader(9)) == 2
    keys = list(ProviderResponse.objects.values_list("key", flat=True))
    assert len(set(keys)) == 2
    assert all(len(k) <= cache.MAX_PLAIN_KEY and k.startswith("search_recordingsxxx") for k in keys)


def _store_competing_answer() -> dict:
    """A `load` during which another process, which missed at the same time, stores its
    answer for the same request first."""
    now = timezone.now()
    ProviderResponse.objects.create(
        kind="musicbrainz.lookup",
        key="k",
        value={"old": True},
        fetched_at=now,
        expires_at=now + timedelta(days=30),
    )
    return {"new": True}


def test_an_answer_stored_by_another_process_meanwhile_is_updated() -> None:
    assert cache.remember("musicbrainz.lookup", "k", _store_competing_answer) == {"new": True}

    row = ProviderResponse.objects.get()
    assert (row.value, row.loads) == ({"new": True}, 2)


def test_losing_the_insert_race_updates_the_winners_row(monkeypatch) -> None:
    real_update = QuerySet.update
    calls = []

    def update_too_early(self: QuerySet, **fields: object) -> int:
        # Our first UPDATE ran just before the other process's INSERT committed.
        calls.append(fields)
        return 0 if len(calls) == 1 else real_update(self, **fields)

    monkeypatch.setattr(QuerySet, "update", update_too_early)

    assert cache.remember("musicbrainz.lookup", "k", _store_competing_answer) == {"new": True}

    assert len(calls) == 2  # the INSERT failed on the unique key, the UPDATE after it won
    row = ProviderResponse.objects.get()
    assert (row.value, row.loads) == ({"new": True}, 2)


def test_bypass_is_scoped_to_its_block() -> None:
    load = Loader("a")
    cache.remember("k1", "k", load)
    with cache.bypass():
        cache.remember("k1", "k", load)
        with cache.bypass():
            cache.remember("k1", "k", load)
        cache.remember("k1", "k", load)
    cache.remember("k1", "k", load)

    assert load.calls == 4


def test_clear_expired_deletes_only_expired_rows_and_keeps_their_counts() -> None:
    for key in ("old", "new"):
        cache.remember("musicbrainz.lookup", key, Loader(key))
        cache.remember("musicbrainz.lookup", key, Loader(key))
    _expire(key="old")

    assert cache.clear_expired() == 1

    assert list(ProviderResponse.objects.values_list("key", flat=True)) == ["new"]
    (figure,) = cache.cache_figures()
    assert (figure.entries, figure.hits, figure.misses) == (1, 2, 2)


def test_clear_expired_works_through_more_rows_than_one_batch(monkeypatch) -> None:
    monkeypatch.setattr(cache, "PRUNE_BATCH", 3)
    for n in range(7):
        cache.remember("musicbrainz.search", f"q{n}", Loader(n))
    _expire()

    assert cache.clear_expired() == 7
    assert not ProviderResponse.objects.exists()
    assert ProviderCacheTally.objects.get(kind="musicbrainz.search").misses == 7


def test_clear_cache_forgets_everything_and_resets_the_counts() -> None:
    cache.remember("musicbrainz.lookup", "a", Loader(1))
    cache.remember("musicbrainz.lookup", "a", Loader(1))
    _expire()
    cache.clear_expired()
    cache.remember("musicbrainz.lookup", "b", Loader(1))

    assert cache.clear_cache() == 1

    assert cache.cache_figures() == []
    load = Loader(1)
    cache.remember("musicbrainz.lookup", "b", load)
    assert load.calls == 1


def test_figures_count_fresh_and_expired_rows() -> None:
    cache.remember("musicbrainz.lookup", "a", Loader(1))
    cache.remember("musicbrainz.lookup", "b", Loader(1))
    _expire(key="a")

    (figure,) = cache.cache_figures()
    assert (figure.kind, figure.entries, figure.fresh, figure.expired) == (
        "musicbrainz.lookup",
        2,
        1,
        1,
    )
    assert figure.hit_rate == 0.0
