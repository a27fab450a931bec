"""Searching the wanted lists: a job for each missing track, an upgrade job for each track
whose best file is below its profile's cutoff.

The library says which tracks are missing or below cutoff (`Track.objects.missing()`,
`cutoff_unmet()`); acting on it is ours. A track never gets a second live job, and an
unmonitored track is never searched: the user said they do not want it kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from downloads.models import DownloadJob
from downloads.services.errors import DownloadError
from downloads.services.queueing import queue_download_for_track
from library.models import Track
from soulspot.lib.results import Skipped

WantedList = Literal["missing", "cutoff_unmet"]
Purpose = DownloadJob.Purpose
CHUNK = 500


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


def _queue(track: Track, purpose: str, result: WantedSearch) -> None:
    # A missing track that is still "owned" lost its file (broken, gone): download it again.
    if purpose == Purpose.WANT and track.status == Track.Status.OWNED:
        purpose = Purpose.REDOWNLOAD
    try:
        job = queue_download_for_track(track, purpose=purpose, source=None)
    except DownloadError as exc:  # AlreadyQueued included
        result.skipped.append(Skipped(_label(track), str(exc)))
    else:
        result.jobs.append(job.pk)


def _label(track: Track) -> str:
    return f"#{track.pk} {track}"
