"""Library pages' actions that end in downloads: re-download broken files, want a track again,
want the missing tracks of an album.

The library says what is wrong or missing; acting on it (a download job) belongs here, so the
library never imports downloads.
"""

from __future__ import annotations

from downloads.models import DownloadJob
from downloads.services.errors import DownloadError
from downloads.services.queueing import queue_download_for_track
from library import services as library_services
from library.models import AlbumCompleteness, Track, TrackFile, WantSource
from library.services import ActionResult
from soulspot.lib.results import Skipped


def redownload_broken_files(file_ids: list[int] | None = None) -> ActionResult:
    """Queue a download for the track of each broken file (all of them unless ids are given).

    Skips files with no known track, tracks that still have a healthy file (recycle the
    broken copy instead) and tracks already being downloaded.
    """
    files = TrackFile.objects.broken().with_track().order_by("pk")
    if file_ids is not None:
        files = files.filter(pk__in=file_ids)
    files = list(files)
    track_ids = {f.track_id for f in files if f.track_id}
    has_healthy = set(
        TrackFile.objects.healthy().filter(track_id__in=track_ids).values_list("track", flat=True)
    )
    result, done = ActionResult(), set()
    for file in files:
        reason = _redownload_refusal(file, has_healthy, done)
        if reason:
            result.skipped.append(Skipped(file.path, reason))
            continue
        done.add(file.track_id)
        _queue(file.track, file.path, result)
    return result


def _redownload_refusal(file: TrackFile, has_healthy: set[int], done: set[int]) -> str:
    if file.track_id is None:
        return "no track is known for this file"
    if file.track_id in has_healthy:
        return "the track already has a healthy file; recycle this copy instead"
    if file.track_id in done:
        return "a download for this track was queued above"
    return ""


def want_missing_tracks(album_id: int) -> ActionResult:
    """Want (queue a download for) every missing track of an album with a known title.

    Raises NeverChecked when the album's completeness was never checked.
    """
    rows = AlbumCompleteness.objects.select_related("album__artist")
    row = rows.filter(album_id=album_id).first()
    if row is None:
        raise library_services.NeverChecked("this album was never checked for completeness")
    result = ActionResult()
    for expected in row.missing:
        label = f"{expected['disc']}-{expected['number']:02d} {expected['title']}".strip()
        if not expected["title"]:
            result.skipped.append(Skipped(label, "only the track count is known"))
            continue
        _queue(library_services.track_for_missing_entry(row.album, expected), label, result)
    return result


def want_tracks_again(track_ids: list[int]) -> ActionResult:
    """Queue a download for each track, owned or not (admin "want again")."""
    result = ActionResult()
    for track in Track.objects.with_relations().filter(pk__in=track_ids).order_by("pk"):
        _queue(track, str(track), result)
    return result


def _queue(track: Track, label: str, result: ActionResult) -> None:
    try:
        job = queue_download_for_track(
            track, purpose=DownloadJob.Purpose.REDOWNLOAD, source=WantSource.REDOWNLOAD
        )
    except DownloadError as exc:  # AlreadyQueued included
        result.skipped.append(Skipped(label, str(exc)))
    else:
        result.queued.append(job.pk)
