"""What the user does to a job: pause, resume, cancel, retry, prioritise, "wrong file", remove."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from downloads.models import Candidate, DownloadJob, RejectedFile
from downloads.services.engine_callbacks import fail_candidate
from downloads.services.errors import DownloadError, InvalidTransition
from downloads.services.transitions import (
    NO_TRANSFER,
    cancel_remote_transfer,
    one_live_job_per_track,
    refuse_if_already_wanted,
    transition,
    wake_engine,
)
from library import catalog, history
from library import services as library_services
from library.models import Album, Track, TrackFile
from metadata.models import ImportItem

Status = DownloadJob.Status


def pause_job(job: DownloadJob) -> DownloadJob:
    """Stop working on a job; an active slskd transfer is cancelled and retried on resume."""
    paused = transition(
        job.pk,
        DownloadJob.ACTIVE_STATUSES,
        Status.PAUSED,
        status_reason="paused by you",
        candidate=None,
        **NO_TRANSFER,
    )
    if not paused:
        raise InvalidTransition(f"job #{job.pk} is {job.status} and cannot be paused")
    cancel_remote_transfer(job)
    # The file was fine, we just stopped: it stays first in line for the resume.
    job.candidates.filter(state=Candidate.State.TRYING).update(state=Candidate.State.PENDING)
    return _refetch(job)


def resume_job(job: DownloadJob) -> DownloadJob:
    if not transition(
        job.pk, [Status.PAUSED], Status.QUEUED, status_reason="", next_attempt_at=None
    ):
        raise InvalidTransition(f"job #{job.pk} is {job.status}, not paused")
    wake_engine()
    return _refetch(job)


def cancel_job(job: DownloadJob) -> DownloadJob:
    movable = [*DownloadJob.ACTIVE_STATUSES, Status.PAUSED]
    if not transition(job.pk, movable, Status.CANCELLED, status_reason="cancelled by you"):
        raise InvalidTransition(f"job #{job.pk} is {job.status} and cannot be cancelled")
    cancel_remote_transfer(job)
    for child in job.children.filter(status__in=movable):
        cancel_job(child)
    return _refetch(job)


def withdraw_queued_jobs(track_ids: list[int], reason: str) -> int:
    """Cancel the jobs of these tracks that have not started yet (no search made, nothing
    transferring): nobody wants them any more. A job already under way finishes: its file is
    welcome in the library. Returns how many were cancelled."""
    queued = DownloadJob.objects.filter(track_id__in=track_ids, status=Status.QUEUED)
    ids = list(queued.values_list("pk", flat=True))
    return sum(
        1 for pk in ids if transition(pk, [Status.QUEUED], Status.CANCELLED, status_reason=reason)
    )


def retry_job(job: DownloadJob) -> DownloadJob:
    """Start a finished job again, with a fresh set of attempts.

    A completed track job is downloaded again (see `download_again`); any other finished job
    starts over from a fresh search.
    """
    if job.status not in DownloadJob.TERMINAL_STATUSES:
        raise InvalidTransition(f"job #{job.pk} is {job.status}; only finished jobs can be retried")
    if job.track_id:
        refuse_if_already_wanted(job.track_id, other_than=job.pk)
    if job.kind == DownloadJob.Kind.ALBUM and job.children.exists():
        return _retry_album_children(job)
    if job.status == Status.COMPLETED and job.kind == DownloadJob.Kind.TRACK:
        return download_again(job)
    # Candidates that never got a chance stay pending; a fresh search will add new ones.
    job.candidates.filter(state=Candidate.State.TRYING).update(state=Candidate.State.FAILED)
    back_to_queue(job, DownloadJob.TERMINAL_STATUSES, "", tried_queries=[])
    return _refetch(job)


def _retry_album_children(job: DownloadJob) -> DownloadJob:
    """An album whose folder was chosen: retry only the tracks that did not make it."""
    unfinished = job.children.filter(status__in=DownloadJob.TERMINAL_STATUSES).exclude(
        status=Status.COMPLETED
    )
    for child in unfinished:
        retry_job(child)
    transition(
        job.pk, DownloadJob.TERMINAL_STATUSES, Status.DOWNLOADING, error="", finished_at=None
    )
    return _refetch(job)


def set_priority(job: DownloadJob, priority: int) -> DownloadJob:
    DownloadJob.objects.filter(pk=job.pk).update(priority=priority, updated_at=timezone.now())
    return _refetch(job)


def reject_candidate(job: DownloadJob, reason: str = "marked wrong by you") -> DownloadJob:
    """ "Wrong file", at any state: remember (want, user, path) for good, cancel its transfer,
    take it out of the library if it got there, and move on to the next candidate."""
    if job.status == Status.COMPLETED:
        return wrong_file_in_library(job, reason)
    if job.status == Status.IMPORTING:
        raise InvalidTransition(f"job #{job.pk} is being imported; try again in a moment")
    if job.candidate_id is None or job.track_id is None:
        raise InvalidTransition(f"job #{job.pk} has no chosen file to reject")
    if job.status == Status.DOWNLOADING:
        cancel_remote_transfer(job)
    fail_candidate(job.pk, reason, wrong_file=True, count_attempt=False)
    return _refetch(job)


def wrong_file_in_library(job: DownloadJob, reason: str) -> DownloadJob:
    """A completed job's file is wrong: recycle it (with the reason beside it, never deleted),
    never offer it again for this track, and look for the right one."""
    candidate = job.candidate
    if candidate is None or job.track_id is None:
        raise InvalidTransition(f"job #{job.pk} has no downloaded file to reject")
    remember_wrong_file(job, candidate, reason)
    ours = imported_file(job)
    if ours is None:
        # The library kept a file of its own; this one never got in: nothing to take out.
        DownloadJob.objects.filter(pk=job.pk).update(
            status_reason=f"wrong file remembered; the library keeps its own file ({reason})"
        )
        return _refetch(job)
    recycled = library_services.recycle_files([ours.pk], f"wrong file: {reason}")
    if recycled.skipped:
        raise DownloadError(f"could not take the file out of the library: {recycled.skipped[0]}")
    catalog.mark_wanted(job.track, force=True, source=None)  # still wanted for the same reason
    restart(job, "wrong file: looking for another")
    return _refetch(job)


def download_again(job: DownloadJob) -> DownloadJob:
    """A fresh transfer of the job's file (or the best candidate): the new copy replaces the
    library file once it verifies, and the old one goes to the recycle bin."""
    done = job.candidates.filter(state=Candidate.State.DONE)
    done.update(state=Candidate.State.PENDING)
    DownloadJob.objects.filter(pk=job.pk).update(purpose=DownloadJob.Purpose.REDOWNLOAD)
    restart(job, "downloading again", keep_queries=True)
    return _refetch(job)


def remember_wrong_file(job: DownloadJob, candidate: Candidate, reason: str) -> None:
    Candidate.objects.filter(pk=candidate.pk).update(
        state=Candidate.State.WRONG, rejection_reason=reason[:500]
    )
    RejectedFile.objects.get_or_create(
        track_id=job.track_id,
        username=candidate.username,
        filename=candidate.filename,
        defaults={"reason": reason[:500]},
    )
    history.record(
        history.Type.REJECTED,
        f"wrong file: {candidate.username}: {candidate.filename} ({reason})",
        track=job.track_id,
        job_id=job.pk,
        by="user",
        username=candidate.username,
        filename=candidate.filename,
        reason=reason,
    )


def imported_file(job: DownloadJob) -> TrackFile | None:
    """The library file this job's import put there, if it is still the one at its path."""
    item = job.import_item
    if item is None or item.state != ImportItem.State.IMPORTED or not item.sha256:
        return None
    rows = TrackFile.objects.present().filter(path=item.library_path, track_id=job.track_id)
    return rows.filter(sha256=item.sha256).first()


def restart(job: DownloadJob, reason: str, *, keep_queries: bool = False) -> None:
    """A completed job back to the queue: the next candidate if one is left (or the same
    queries, with `keep_queries`), else a new search."""
    has_more = job.candidates.filter(state=Candidate.State.PENDING, rank__isnull=False).exists()
    queries = job.tried_queries if (has_more or keep_queries) else []
    back_to_queue(job, [Status.COMPLETED], reason, tried_queries=queries, library_path="")


def back_to_queue(
    job: DownloadJob, from_statuses: Iterable[str], reason: str, **fields: object
) -> None:
    """A finished job queued again with a fresh set of attempts and nothing of its last
    transfer; refused when another job of the track is live, or the job changed meanwhile."""
    with one_live_job_per_track(job.track_id, other_than=job.pk):
        moved = transition(
            job.pk,
            from_statuses,
            Status.QUEUED,
            attempts=0,
            error="",
            status_reason=reason,
            next_attempt_at=None,
            finished_at=None,
            candidate=None,
            **NO_TRANSFER,
            search_id="",
            local_path="",
            **fields,
        )
    if not moved:
        raise InvalidTransition(f"job #{job.pk} changed meanwhile; try again")
    wake_engine()


def remove_job(job: DownloadJob, *, unmonitor: bool = False) -> None:
    """Take a job off the queue: a live one is cancelled first (its slskd transfer too), then
    the job row is deleted, with an album's track jobs. Files are never touched.

    `unmonitor` also stops wanting what the job was for (the track, or the album and its
    tracks), so nothing downloads it again by itself.
    """
    if job.status in DownloadJob.LIVE_STATUSES:
        # If it ended meanwhile there is nothing left to cancel.
        with contextlib.suppress(InvalidTransition):
            cancel_job(job)
    with transaction.atomic():
        track_ids = [job.track_id] if job.track_id else []
        track_ids += list(job.children.exclude(track=None).values_list("track_id", flat=True))
        DownloadJob.objects.filter(pk=job.pk).delete()
        if unmonitor:
            _unwant(track_ids, job.album_id if job.kind == DownloadJob.Kind.ALBUM else None)


def _unwant(track_ids: list[int], album_id: int | None) -> None:
    """Unwant: an unmonitored track or album gets no automatic action (no search, no upgrade)."""
    for track in Track.objects.filter(pk__in=track_ids):
        library_services.set_monitored(track, False)
    if album_id is not None:
        library_services.set_monitored(Album.objects.get(pk=album_id), False)


def _refetch(job: DownloadJob) -> DownloadJob:
    return DownloadJob.objects.with_relations().get(pk=job.pk)
