"""What the user does to a job: pause, resume, cancel, retry, prioritise, "wrong file", remove."""

from __future__ import annotations

import contextlib

from django.db import transaction
from django.utils import timezone

from downloads.models import Candidate, DownloadJob
from downloads.services.engine_callbacks import fail_candidate
from downloads.services.errors import InvalidTransition
from downloads.services.transitions import (
    cancel_remote_transfer,
    one_live_job_per_track,
    refuse_if_already_wanted,
    transition,
    wake_engine,
)
from library.models import Album, Track

Status = DownloadJob.Status


def pause_job(job: DownloadJob) -> DownloadJob:
    """Stop working on a job; an active slskd transfer is cancelled and retried on resume."""
    paused = transition(
        job.pk,
        DownloadJob.ACTIVE_STATUSES,
        Status.PAUSED,
        status_reason="paused by you",
        candidate=None,
        transfer_id="",
        transfer_state="",
        progress=0,
        bytes_transferred=0,
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


def retry_job(job: DownloadJob) -> DownloadJob:
    """Start a finished job again from a fresh search, with a fresh set of attempts."""
    if job.status not in DownloadJob.TERMINAL_STATUSES:
        raise InvalidTransition(f"job #{job.pk} is {job.status}; only finished jobs can be retried")
    if job.track_id:
        refuse_if_already_wanted(job.track_id, other_than=job.pk)
    if job.kind == DownloadJob.Kind.ALBUM and job.children.exists():
        return _retry_album_children(job)
    with one_live_job_per_track(job.track_id, other_than=job.pk):
        moved = transition(
            job.pk,
            DownloadJob.TERMINAL_STATUSES,
            Status.QUEUED,
            attempts=0,
            error="",
            status_reason="",
            next_attempt_at=None,
            finished_at=None,
            transfer_id="",
            transfer_state="",
            progress=0,
            bytes_transferred=0,
            search_id="",
            tried_queries=[],
            candidate=None,
            local_path="",
        )
        if not moved:
            raise InvalidTransition(f"job #{job.pk} changed while retrying; try again")
        # Candidates that never got a chance stay pending; a fresh search will add new ones.
        job.candidates.filter(state=Candidate.State.TRYING).update(state=Candidate.State.FAILED)
    wake_engine()
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
    """ "Wrong file": remember (want, user, path) for good and move on to the next candidate."""
    if job.candidate_id is None or job.track_id is None:
        raise InvalidTransition(f"job #{job.pk} has no chosen file to reject")
    fail_candidate(job.pk, reason, wrong_file=True, count_attempt=False)
    return _refetch(job)


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
    Track.objects.filter(pk__in=track_ids).update(monitored=False)
    if album_id is not None:
        Album.objects.filter(pk=album_id).update(monitored=False)


def _refetch(job: DownloadJob) -> DownloadJob:
    return DownloadJob.objects.with_relations().get(pk=job.pk)
