"""Remembering provider answers in the database, with a time-to-live per kind of request.

    data = cache.remember("musicbrainz.lookup", key, lambda: fetch(...))

A fresh row answers without any request (and so takes no pacing slot). A `NotFound` from `load`
is remembered for the "not_found" time and raised again as `not_found` while fresh;
`ProviderUnavailable` (and any other error) is never remembered. Times to live come from
settings.METADATA_CACHE_TTL_DAYS (unknown kind: one day; 0: not cached).

Refreshing (beets' `mbsync`) must see the service's current answer, not ours:

    with cache.bypass():
        data = musicbrainz.get_release(release_id)   # asks again and stores the new answer

Counting stays cheap and race-safe with several processes: a hit is one `UPDATE ... SET hits =
hits + 1` on its row; a miss writes the answer anyway and counts itself in the same UPDATE
(`loads + 1`), or inserts the row. Two processes missing at once both load; the second write
updates the first's row instead of failing. Per-kind figures sum the rows, plus the counts of
rows already pruned (`ProviderCacheTally`), until the cache is cleared.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from metadata.models import ProviderCacheTally, ProviderResponse
from metadata.providers.base import NotFound

NOT_FOUND_KIND = "not_found"
DEFAULT_TTL_DAYS = 1
# Keys up to this length are stored as they are; longer ones as a readable start + SHA-256.
MAX_PLAIN_KEY = 200
_READABLE_PREFIX = MAX_PLAIN_KEY - 65
PRUNE_BATCH = 500

_bypassing: ContextVar[bool] = ContextVar("provider_cache_bypass", default=False)


@contextmanager
def bypass() -> Iterator[None]:
    """Within this block every `remember` asks the service again and stores the new answer
    (a refresh must not be answered from the cache). Per thread/context, nestable."""
    token = _bypassing.set(True)
    try:
        yield
    finally:
        _bypassing.reset(token)


def remember(
    kind: str,
    key: str,
    load: Callable[[], Any],
    *,
    not_found: type[NotFound] = NotFound,
) -> Any:
    """`load()`'s JSON-able answer for (`kind`, `key`), from the cache while it is fresh.

    `kind` names the request family and so its time-to-live ("musicbrainz.lookup",
    "musicbrainz.search", "lastfm.tags"); `key` identifies the request within it. A `NotFound`
    raised by `load` is remembered too and raised again as `not_found` while fresh.
    """
    stored_key = storage_key(key)
    if not _bypassing.get():
        row = _fresh_row(kind, stored_key)
        if row is not None:
            ProviderResponse.objects.filter(pk=row.pk).update(hits=F("hits") + 1)
            if row.not_found:
                raise not_found(f"not found ({kind}, remembered since {row.fetched_at:%Y-%m-%d})")
            return row.value
    try:
        value = _json_copy(load())
    except NotFound:
        _store(kind, stored_key, None, found=False)
        raise
    _store(kind, stored_key, value, found=True)
    return value


def storage_key(key: str) -> str:
    """`key` as stored: itself when short, else a readable start and the SHA-256 of all of it."""
    if len(key) <= MAX_PLAIN_KEY:
        return key
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{key[:_READABLE_PREFIX]}#{digest}"


def ttl_days(kind: str) -> float:
    """Days an answer of `kind` stays fresh (settings.METADATA_CACHE_TTL_DAYS)."""
    return float(settings.METADATA_CACHE_TTL_DAYS.get(kind, DEFAULT_TTL_DAYS))


def _fresh_row(kind: str, stored_key: str) -> ProviderResponse | None:
    return (
        ProviderResponse.objects.fresh()
        .filter(kind=kind, key=stored_key)
        .only("pk", "value", "not_found", "fetched_at")
        .first()
    )


def _json_copy(value: Any) -> Any:
    # A miss answers exactly what a later hit will (tuples become lists...), and an answer that
    # cannot be stored fails here, on its first use, rather than only once it is cached.
    return json.loads(json.dumps(value))


def _store(kind: str, stored_key: str, value: Any, *, found: bool) -> None:
    days = ttl_days(kind if found else NOT_FOUND_KIND)
    if days <= 0 or ttl_days(kind) <= 0:  # a kind not cached keeps no 404s either
        return
    now = timezone.now()
    fields = {
        "value": value,
        "not_found": not found,
        "fetched_at": now,
        "expires_at": now + timedelta(days=days),
    }
    rows = ProviderResponse.objects.filter(kind=kind, key=stored_key)
    if rows.update(**fields, loads=F("loads") + 1):
        return
    try:
        with transaction.atomic():
            ProviderResponse.objects.create(kind=kind, key=stored_key, **fields)
    except IntegrityError:
        # Another process stored the same request meanwhile: ours is at least as new.
        rows.update(**fields, loads=F("loads") + 1)


@dataclass(frozen=True)
class CacheFigure:
    """How one kind of request fared since the cache was last cleared."""

    kind: str
    entries: int
    fresh: int
    expired: int
    hits: int
    misses: int

    @property
    def hit_rate(self) -> float | None:
        """Share of answers served from the cache (0..1), None before any request."""
        asked = self.hits + self.misses
        return self.hits / asked if asked else None


def cache_figures() -> list[CacheFigure]:
    """Per kind: stored rows (fresh/expired), hits, misses and hit rate, in kind order."""
    now = timezone.now()
    rows = {
        row["kind"]: row
        for row in ProviderResponse.objects.values("kind").annotate(
            entries=Count("pk"),
            fresh=Count("pk", filter=Q(expires_at__gt=now)),
            hits=Sum("hits"),
            misses=Sum("loads"),
        )
    }
    tallies = {t.kind: t for t in ProviderCacheTally.objects.all()}
    figures = []
    for kind in sorted(rows.keys() | tallies.keys()):
        row = rows.get(kind, {})
        tally = tallies.get(kind, ProviderCacheTally(kind=kind))
        entries, fresh = row.get("entries", 0), row.get("fresh", 0)
        figures.append(
            CacheFigure(
                kind=kind,
                entries=entries,
                fresh=fresh,
                expired=entries - fresh,
                hits=(row.get("hits") or 0) + tally.hits,
                misses=(row.get("misses") or 0) + tally.misses,
            )
        )
    return figures


def clear_cache() -> int:
    """Forget every remembered answer and reset the hit/miss counts; returns rows deleted."""
    with transaction.atomic():
        ProviderCacheTally.objects.all().delete()
        deleted, _ = ProviderResponse.objects.all().delete()
    return deleted


def clear_expired() -> int:
    """Delete expired answers, keeping their hit/miss counts in the per-kind tally; returns
    rows deleted."""
    deleted = 0
    while batch := forget(ProviderResponse.objects.expired(), limit=PRUNE_BATCH):
        deleted += batch
    return deleted


def forget(rows: QuerySet[ProviderResponse], *, limit: int | None = None) -> int:
    """Delete these remembered answers (at most `limit`), so the next request asks again;
    their hit/miss counts stay in the per-kind figures. Returns rows deleted."""
    # Rows are locked before they are counted, so an answer refreshed meanwhile by another
    # process is neither counted twice nor lost from the figures.
    with transaction.atomic():
        pks = list(rows.select_for_update().values_list("pk", flat=True)[:limit])
        chosen = ProviderResponse.objects.filter(pk__in=pks)
        for count in chosen.values("kind").annotate(hits=Sum("hits"), misses=Sum("loads")):
            ProviderCacheTally.objects.get_or_create(kind=count["kind"])
            ProviderCacheTally.objects.filter(kind=count["kind"]).update(
                hits=F("hits") + count["hits"], misses=F("misses") + count["misses"]
            )
        chosen.delete()
    return len(pks)
