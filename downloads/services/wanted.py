"""Searching the wanted lists: a job for each missing track, an upgrade job for each track
whose best file is below its profile's cutoff.

The library says which tracks are missing or below cutoff (`Track.objects.missing()`,
`cutoff_unmet()`); acting on it is ours. A track never gets a second live job, and an
unmonitored track is never searched: the user said they do not want it kept.

The user's "search all" / "search selected" search at once. The scheduled searches are polite:
each run queues only tracks that are due (out of their backoff, not searched within the list's
interval), oldest-searched first, and no more than the search budget has left, so a big list
is worked through over many runs without ever risking a Soulseek ban.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

from django.conf import settings
from django.utils import timezone

from downloads.models import DownloadJob
from downloads.services.errors import DownloadError
from downloads.services.queueing import queue_download_for_track
from downloads.slskd import budget_from_settings, is_configured
from library.models import Track
from soulspot.lib.results import Skipped

WantedList = Literal["missing", "cutoff_unmet"]
Purpose = DownloadJob.Purpose
CHUNK = 500
# Scheduled searches go after what the user asked for.
SCHEDULED_PRIORITY = -1


@dataclass
class WantedSearch:
    """What a wanted search did: the jobs it created, and what it skipped and why."""

    jobs: list[int] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{len(self.jobs)} searches queued"] if self.jobs else []
        parts += [f"{len(self.skipped)} skipped"] if self.skipped else []
        return ", ".join(parts) or "nothing to search"


def search_wanted_tracks(track_ids: Iterable[int]) -> WantedSearch:
    """Queue a search for each of these tracks: a normal job when it is missing, an upgrade
    job when its best file is below its cutoff; any other track is skipped with the reason."""
    ids = list(dict.fromkeys(track_ids))
    tracks = Track.objects.with_relations().in_bulk(ids)
    missing = set(Track.objects.missing().filter(pk__in=ids).values_list("pk", flat=True))
    unmet = set(Track.objects.cutoff_unmet().filter(pk__in=ids).values_list("pk", flat=True))
    result = WantedSearch()
    for track_id in ids:
        track = tracks.get(track_id)
        if track is None:
            result.skipped.append(Skipped(f"#{track_id}", "no such track"))
        elif not track.monitored:
            result.skipped.append(
                Skipped(_label(track), "not monitored: unmonitored tracks are never searched")
            )
        elif track_id in missing:
            _queue(track, Purpose.WANT, result)
        elif track_id in unmet:
            _queue(track, Purpose.UPGRADE, result)
        else:
            result.skipped.append(
                Skipped(_label(track), "it has a healthy file that meets its quality cutoff")
            )
    return result


def search_all_wanted(which: WantedList) -> WantedSearch:
    """Queue a search for every track of one wanted list (missing, or cutoff unmet)."""
    if which == "missing":
        tracks, purpose = Track.objects.missing(), Purpose.WANT
    else:
        tracks, purpose = Track.objects.cutoff_unmet(), Purpose.UPGRADE
    # Ids first: each queued job writes to the tracks a cursor would still be reading.
    ids = list(tracks.order_by("pk").values_list("pk", flat=True))
    result = WantedSearch()
    for start in range(0, len(ids), CHUNK):
        chunk = Track.objects.with_relations().in_bulk(ids[start : start + CHUNK])
        for track in sorted(chunk.values(), key=lambda track: track.pk):
            _queue(track, purpose, result)
    return result


def search_due_wanted(which: WantedList) -> WantedSearch:
    """The scheduled search of one wanted list: queue a job for each track that is due, never
    searched first, then the longest ago; at most as many as the search budget has left."""
    hours = settings.SEARCH_MISSING_HOURS if which == "missing" else settings.SEARCH_CUTOFF_HOURS
    room = searches_left_for_schedule() if hours and is_configured() else 0
    result = WantedSearch()
    if room <= 0:
        return result
    if which == "missing":
        tracks, purpose = Track.objects.missing(), Purpose.WANT
    else:
        tracks, purpose = Track.objects.cutoff_unmet(), Purpose.UPGRADE
    now = timezone.now()
    live = DownloadJob.objects.filter(status__in=DownloadJob.LIVE_STATUSES, track__isnull=False)
    due = tracks.exclude(pk__in=live.values("track_id")).due_for_search(
        now, searched_before=now - timedelta(hours=hours)
    )
    ids = list(due.values_list("pk", flat=True)[:room])
    by_id = Track.objects.with_relations().in_bulk(ids)
    for track_id in ids:
        _queue(by_id[track_id], purpose, result, priority=SCHEDULED_PRIORITY)
    return result


def searches_left_for_schedule() -> int:
    """Searches the budget has left in the current window, less those queued jobs will spend:
    what a scheduled run may add without making anything wait for the next window."""
    queued = DownloadJob.objects.filter(status=DownloadJob.Status.QUEUED).count()
    return max(budget_from_settings().remaining() - queued, 0)


def _queue(track: Track, purpose: str, result: WantedSearch, *, priority: int = 0) -> None:
    # A missing track that is still "owned" lost its file (broken, gone): download it again.
    if purpose == Purpose.WANT and track.status == Track.Status.OWNED:
        purpose = Purpose.REDOWNLOAD
    try:
        job = queue_download_for_track(track, purpose=purpose, source=None, priority=priority)
    except DownloadError as exc:  # AlreadyQueued included
        result.skipped.append(Skipped(_label(track), str(exc)))
    else:
        result.jobs.append(job.pk)


def _label(track: Track) -> str:
    return f"#{track.pk} {track}"
