"""Turning a source's tracks into wants, and searching the new ones.

Every want source (Spotify, imported lists) goes through here: the library records the
source as a reason for each track (`library.wants`); tracks newly wanted and missing from the
library are searched at once (SOULSPOT_SEARCH_NEW_WANTS), politely: the download engine runs
one search at a time within the search budget.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings

from downloads.services import job_actions
from downloads.services import wanted as wanted_searches
from library import wants
from library.models import Track


@dataclass
class WantOutcome:
    newly_wanted: list[int] = field(default_factory=list)
    searches_queued: int = 0


def want_and_search(
    track_ids: Iterable[int], *, source: str, key: str, why: str = ""
) -> WantOutcome:
    """Record `source`/`key` as a reason for each track; search the newly wanted missing ones."""
    outcome = WantOutcome(
        newly_wanted=wants.want_tracks(track_ids, source=source, key=key, why=why)
    )
    if outcome.newly_wanted and settings.SOULSPOT_SEARCH_NEW_WANTS:
        missing = Track.objects.missing().filter(pk__in=outcome.newly_wanted)
        ids = list(missing.order_by("pk").values_list("pk", flat=True))
        outcome.searches_queued = len(wanted_searches.search_wanted_tracks(ids).jobs)
    return outcome


def stop_wanting_all_but(keep: Iterable[int], *, source: str, key: str, why: str) -> list[int]:
    """`source`/`key` now wants only the tracks in `keep` (a synced playlist's members, or
    nothing when it is unfollowed). Tracks left without any reason stop being wanted, and their
    searches not yet started are cancelled; returns their ids."""
    released = wants.release_all_but(keep, source=source, key=key, why=why)
    if released:
        job_actions.withdraw_queued_jobs(released, f"no longer wanted ({why})")
    return released
