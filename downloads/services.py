"""Download wants: creating jobs and every user action on them.

The HTMX views, the REST API, the admin actions and the tasks all call these functions. Status
changes are race-safe: `transition(job, from, to)` updates only if the job is still in one of the
expected states, so a worker and a user clicking "cancel" can never both win.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from downloads.models import (
    Candidate,
    DownloadJob,
    EngineSettings,
    Peer,
    RejectedFile,
)
from library import catalog
from library.models import Album, Track
from soulspot.lib.errors import Conflict, SoulSpotError
from soulspot.lib.queue import enqueue

logger = logging.getLogger(__name__)
Status = DownloadJob.Status

# Backoff between attempts: 30 s, 60 s, 120 s… capped at 30 min.
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 30 * 60


class DownloadError(SoulSpotError):
    """A user action that cannot be carried out; the message says why."""


class AlreadyQueued(DownloadError, Conflict):
    def __init__(self, job: DownloadJob) -> None:
        super().__init__(
            f"{job.want_label} is already being downloaded (job #{job.pk}, {job.status})"
        )
        self.job = job


class InvalidTransition(DownloadError, Conflict):
    """The job's state forbids the action (resume a completed job...)."""


def transition(job_id: int, from_statuses: Iterable[str], to_status: str, **fields: object) -> bool:
    """Change status only if the job is still in `from_statuses`; True if we won."""
    now = timezone.now()
    extra = {"finished_at": now} if to_status in DownloadJob.TERMINAL_STATUSES else {}
    updated = DownloadJob.objects.filter(pk=job_id, status__in=list(from_statuses)).update(
        status=to_status, state_changed_at=now, updated_at=now, **extra, **fields
    )
    return updated == 1


def wake_engine() -> None:
    """Ask the worker to look at the queue now instead of at the next scheduled tick."""
    enqueue("downloads.tasks.pump_engine")


def _refuse_if_already_wanted(track_id: int, *, other_than: int | None = None) -> None:
    """One live job per track: an active or paused one means "already being downloaded"."""
    live = [*DownloadJob.ACTIVE_STATUSES, Status.PAUSED]
    existing = DownloadJob.objects.filter(track_id=track_id, status__in=live).exclude(pk=other_than)
    job = existing.order_by("pk").first()
    if job is not None:
        raise AlreadyQueued(job)


# --- creating wants -------------------------------------------------------------------------


@transaction.atomic
def queue_download_for_track(
    track: Track, *, priority: int = 0, parent: DownloadJob | None = None, force: bool = False
) -> DownloadJob:
    """A new job for `track`; refuses when one is already active for it."""
    _refuse_if_already_wanted(track.pk)
    catalog.mark_wanted(track, force=force)
    job = DownloadJob.objects.create(
        kind=DownloadJob.Kind.TRACK,
        track=track,
        priority=priority,
        parent=parent,
        quality_profile=parent.quality_profile if parent else None,
        max_attempts=settings.DOWNLOAD_ATTEMPTS,
    )
    transaction.on_commit(wake_engine)
    return job


def queue_track_download(
    *,
    artist: str,
    title: str,
    album: str = "",
    duration_ms: int | None = None,
    isrc: str = "",
    priority: int = 0,
) -> DownloadJob:
    """Want a track by its names (the API's `POST /api/downloads`)."""
    if not artist.strip() or not title.strip():
        raise DownloadError("artist and title are both required")
    track = catalog.find_or_create_track(
        artist=artist, title=title, album=album, duration_ms=duration_ms, isrc=isrc
    )
    return queue_download_for_track(track, priority=priority)


@transaction.atomic
def queue_album_download(
    *,
    artist: str,
    album: str,
    year: int | None = None,
    tracks: list[str] | None = None,
    priority: int = 0,
) -> DownloadJob:
    """Want a whole album: one album job that finds a folder, then one child job per track."""
    if not artist.strip() or not album.strip():
        raise DownloadError("artist and album are both required")
    album_row = catalog.album_named(catalog.artist_named(artist), album, year=year)
    active = (
        DownloadJob.objects.active().filter(album=album_row, kind=DownloadJob.Kind.ALBUM).first()
    )
    if active is not None:
        raise AlreadyQueued(active)
    for number, title in enumerate(tracks or [], start=1):
        track = catalog.find_or_create_track(artist=artist, title=title, album=album, year=year)
        Track.objects.filter(pk=track.pk, track_number__isnull=True).update(track_number=number)
    if tracks:
        Album.objects.filter(pk=album_row.pk).update(track_count=len(tracks))
    job = DownloadJob.objects.create(
        kind=DownloadJob.Kind.ALBUM,
        album=album_row,
        priority=priority,
        max_attempts=settings.DOWNLOAD_ATTEMPTS,
    )
    transaction.on_commit(wake_engine)
    return job


# --- user actions on a job ------------------------------------------------------------------


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
    _cancel_remote_transfer(job)
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
    _cancel_remote_transfer(job)
    for child in job.children.filter(status__in=movable):
        cancel_job(child)
    return _refetch(job)


def retry_job(job: DownloadJob) -> DownloadJob:
    """Start a finished job again from a fresh search, with a fresh set of attempts."""
    if job.status not in DownloadJob.TERMINAL_STATUSES:
        raise InvalidTransition(f"job #{job.pk} is {job.status}; only finished jobs can be retried")
    if job.track_id:
        _refuse_if_already_wanted(job.track_id, other_than=job.pk)
    if job.kind == DownloadJob.Kind.ALBUM and job.children.exists():
        return _retry_album_children(job)
    with transaction.atomic():
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


# --- engine callbacks -----------------------------------------------------------------------


@transaction.atomic
def fail_candidate(
    job_id: int, reason: str, *, wrong_file: bool, count_attempt: bool = True
) -> None:
    """The chosen file failed (transfer error, or the importer found it bad).

    The candidate is marked, a wrong file is remembered for this want, and the job goes back to
    the queue to try the next candidate after a backoff — or fails when attempts are used up.
    """
    job = (
        DownloadJob.objects.select_for_update(of=("self",))
        .select_related("candidate")
        .filter(pk=job_id)
        .first()
    )
    if job is None or job.is_terminal or job.candidate is None:
        return
    candidate = job.candidate
    candidate.state = Candidate.State.WRONG if wrong_file else Candidate.State.FAILED
    candidate.rejection_reason = reason[:500]
    candidate.save(update_fields=["state", "rejection_reason"])
    if wrong_file and job.track_id:
        RejectedFile.objects.get_or_create(
            track_id=job.track_id,
            username=candidate.username,
            filename=candidate.filename,
            defaults={"reason": reason[:500]},
        )
    elif not wrong_file:
        record_peer_result(candidate.username, success=False)
    attempts = job.attempts + (1 if count_attempt else 0)
    if attempts >= job.max_attempts:
        transition(
            job.pk, [job.status], Status.FAILED, attempts=attempts, error=reason, status_reason=""
        )
        return
    delay = 0 if not count_attempt else backoff_seconds(attempts)
    # With no other candidate left, the next start searches again from the first query.
    has_more = job.candidates.filter(state=Candidate.State.PENDING, rank__isnull=False).exists()
    transition(
        job.pk,
        [job.status],
        Status.QUEUED,
        attempts=attempts,
        error=reason,
        candidate=None,
        tried_queries=job.tried_queries if has_more else [],
        transfer_id="",
        transfer_state="",
        progress=0,
        bytes_transferred=0,
        local_path="",
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
        status_reason=(f"trying another file in {delay} s: {reason}" if delay else reason)[:500],
    )
    transaction.on_commit(wake_engine)


def backoff_seconds(attempts: int) -> int:
    return min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)


def record_peer_result(username: str, *, success: bool) -> None:
    peer, _ = Peer.objects.get_or_create(username=username)
    now = timezone.now()
    if success:
        Peer.objects.filter(pk=peer.pk).update(successes=F("successes") + 1, last_success_at=now)
    else:
        Peer.objects.filter(pk=peer.pk).update(failures=F("failures") + 1, last_failure_at=now)


def complete_job(job_id: int, library_path: str) -> bool:
    """The importer's last step: the file is in the library."""
    return transition(
        job_id, [Status.IMPORTING], Status.COMPLETED, library_path=library_path, status_reason=""
    )


# --- global switches ------------------------------------------------------------------------


def pause_all() -> EngineSettings:
    EngineSettings.load()
    EngineSettings.objects.filter(pk=1).update(paused=True)
    return EngineSettings.load()


def resume_all() -> EngineSettings:
    EngineSettings.load()
    EngineSettings.objects.filter(pk=1).update(paused=False)
    wake_engine()
    return EngineSettings.load()


def _cancel_remote_transfer(job: DownloadJob) -> None:
    """Best effort: a transfer slskd keeps running would finish into a job nobody follows."""
    if not job.transfer_id or job.candidate_id is None:
        return
    from downloads.slskd import SlskdError, client_from_settings

    client = client_from_settings()
    if client is None:
        return
    with client:
        try:
            client.cancel(job.candidate.username, job.transfer_id)
        except SlskdError as exc:
            logger.warning("could not cancel transfer %s: %s", job.transfer_id, exc)


def _refetch(job: DownloadJob) -> DownloadJob:
    return DownloadJob.objects.with_relations().get(pk=job.pk)


def update_engine(
    *, paused: bool | None = None, max_concurrent: int | None = None
) -> EngineSettings:
    if max_concurrent is not None and not 1 <= max_concurrent <= 10:
        raise DownloadError("max_concurrent must be between 1 and 10")
    if paused is True:
        pause_all()
    elif paused is False:
        resume_all()
    if max_concurrent is not None:
        EngineSettings.load()
        EngineSettings.objects.filter(pk=1).update(max_concurrent=max_concurrent)
        wake_engine()
    return EngineSettings.load()


@transaction.atomic
@dataclass
class BatchResult:
    job_id: int | None
    ok: bool
    error: str = ""


def run_batch(action: str, *, ids: list[int], items: list[dict]) -> list[BatchResult]:
    """Apply one action to many jobs; one refusal never stops the others."""
    if action == "create":
        return [_batch_create(item) for item in items]
    act = {"retry": retry_job, "cancel": cancel_job, "pause": pause_job, "resume": resume_job}[
        action
    ]
    jobs = {job.pk: job for job in DownloadJob.objects.with_relations().filter(pk__in=ids)}
    results = []
    for job_id in ids:
        if job_id not in jobs:
            results.append(BatchResult(job_id, False, "no such download"))
            continue
        try:
            act(jobs[job_id])
            results.append(BatchResult(job_id, True))
        except DownloadError as exc:
            results.append(BatchResult(job_id, False, str(exc)))
    return results


def _batch_create(item: dict) -> BatchResult:
    try:
        return BatchResult(queue_track_download(**item).pk, True)
    except AlreadyQueued as exc:
        return BatchResult(exc.job.pk, False, str(exc))
    except DownloadError as exc:
        return BatchResult(None, False, str(exc))
