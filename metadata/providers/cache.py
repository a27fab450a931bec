"""Remembering provider answers in the database, with a time-to-live per kind of request.

Interface only for now: `remember` calls `load` every time. The real cache (a database table,
TTL per kind, 404s remembered, hit-rate figures) replaces the body without changing callers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from metadata.providers.base import NotFound


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
    return load()
