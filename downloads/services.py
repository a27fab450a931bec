"""Download wants: creating jobs and every user action on them.

The HTMX views, the REST API, the admin actions and the tasks all call these functions. Status
changes are race-safe: `_move(job, from, to)` updates only if the job is still in one of the
expected states, so a worker and a user clicking "cancel" can never both win.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from downloads.models import Candidate, DownloadJob, EngineSettings, Peer, RejectedFile
from library import catalog
from library.models import Album, Track
from soulspot.lib.queue import enqueue

logger = logging.getLogger(__name__)
Status = DownloadJob.Status

# Backoff between attempts: 30 s, 60 s, 120 s… capped at 30 min.
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 30 * 60


class DownloadError(Exception):
    """A user action that cannot be carried out; the message says why."""


class AlreadyQueued(DownloadError):
    def __init__(self, job: DownloadJob) -> None:
        super().__init__(f"{job.want_label} is already being downloaded (job #{job.pk}, {job.status})")
        self.job = job


class InvalidTransition(DownloadError):
    pass


def _move(job_id: int, from_statuses: Iterable[str], to_status: str, **fields: object) -> bool:
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


# --- creating wants -------------------------------------------------------------------------


@transaction.atomic
def queue_download_for_track(
    track: Track, *, priority: int = 0, parent: DownloadJob | None = None, force: bool = False
) -> DownloadJob:
    """A new job for `track`; refuses when one is already active for it."""
    active = DownloadJob.objects.active().filter(track=track).first()
    if active is None:
        active = DownloadJob.objects.filter(track=track, status=Status.PAUSED).first()
    if active is not None:
        raise AlreadyQueued(active)
    catalog.mark_wanted(track, force=force)
    job = DownloadJob.objects.create(
        kind=DownloadJob.Kind.TRACK, track=track, priority=priority, parent=parent,
        quality_profile=parent.quality_profile if parent else None,
    )  # fmt: skip
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
    *, artist: str, album: str, year: int | None = None, tracks: list[str] | None = None,
    priority: int = 0,
) -> DownloadJob:  # fmt: skip
    """Want a whole album: one album job that finds a folder, then one child job per track."""
    if not artist.strip() or not album.strip():
        raise DownloadError("artist and album are both required")
    album_row = catalog.album_named(catalog.artist_named(artist), album, year=year)
    active = DownloadJob.objects.active().filter(album=album_row, kind=DownloadJob.Kind.ALBUM).first()
    if active is not None:
        raise AlreadyQueued(active)
    for number, title in enumerate(tracks or [], start=1):
        track = catalog.find_or_create_track(artist=artist, title=title, album=album, year=year)
        Track.objects.filter(pk=track.pk, track_number__isnull=True).update(track_number=number)
    if tracks:
        Album.objects.filter(pk=album_row.pk).update(track_count=len(tracks))
    job = DownloadJob.objects.create(kind=DownloadJob.Kind.ALBUM, album=album_row, priority=priority)
    transaction.on_commit(wake_engine)
    return job


# --- user actions on a job ------------------------------------------------------------------


def pause_job(job: DownloadJob) -> DownloadJob:
    """Stop working on a job; an active slskd transfer is cancelled and retried on resume."""
    if not _move(job.pk, DownloadJob.ACTIVE_STATUSES, Status.PAUSED, status_reason="paused by you"):
        raise InvalidTransition(f"job #{job.pk} is {job.status} and cannot be paused")
    _cancel_remote_transfer(job)
    return _refetch(job)


def resume_job(job: DownloadJob) -> DownloadJob:
    if not _move(job.pk, [Status.PAUSED], Status.QUEUED, status_reason="", next_attempt_at=None):
        raise InvalidTransition(f"job #{job.pk} is {job.status}, not paused")
    wake_engine()
    return _refetch(job)


def cancel_job(job: DownloadJob) -> DownloadJob:
    movable = [*DownloadJob.ACTIVE_STATUSES, Status.PAUSED]
    if not _move(job.pk, movable, Status.CANCELLED, status_reason="cancelled by you"):
        raise InvalidTransition(f"job #{job.pk} is {job.status} and cannot be cancelled")
    _cancel_remote_transfer(job)
    for child in job.children.filter(status__in=movable):
        cancel_job(child)
    return _refetch(job)


def retry_job(job: DownloadJob) -> DownloadJob:
    """Start a finished job again from a fresh search, with a fresh set of attempts."""
    if job.status not in DownloadJob.TERMINAL_STATUSES:
        raise InvalidTransition(f"job #{job.pk} is {job.status}; only finished jobs can be retried")
    if job.track_id and DownloadJob.objects.active().filter(track_id=job.track_id).exclude(pk=job.pk).exists():
        raise AlreadyQueued(DownloadJob.objects.active().filter(track_id=job.track_id).first())
    with transaction.atomic():
        moved = _move(
            job.pk, DownloadJob.TERMINAL_STATUSES, Status.QUEUED, attempts=0, error="",
            status_reason="", next_attempt_at=None, finished_at=None, transfer_id="",
            transfer_state="", progress=0, bytes_transferred=0, search_id="",
        )  # fmt: skip
        if not moved:
            raise InvalidTransition(f"job #{job.pk} changed while retrying; try again")
        # Candidates that never got a chance stay pending; a fresh search will add new ones.
        job.candidates.filter(state=Candidate.State.TRYING).update(state=Candidate.State.FAILED)
    wake_engine()
    return _refetch(job)


def set_priority(job: DownloadJob, priority: int) -> DownloadJob:
    DownloadJob.objects.filter(pk=job.pk).update(priority=priority, updated_at=timezone.now())
    return _refetch(job)


def reject_candidate(job: DownloadJob, reason: str = "marked wrong by you") -> DownloadJob:
    """"Wrong file": remember (want, user, path) for good and move on to the next candidate."""
    if job.candidate_id is None or job.track_id is None:
        raise InvalidTransition(f"job #{job.pk} has no chosen file to reject")
    fail_candidate(job.pk, reason, wrong_file=True, count_attempt=False)
    return _refetch(job)


# --- engine callbacks -----------------------------------------------------------------------


@transaction.atomic
def fail_candidate(job_id: int, reason: str, *, wrong_file: bool, count_attempt: bool = True) -> None:
    """The chosen file failed (transfer error, or the importer found it bad).

    The candidate is marked, a wrong file is remembered for this want, and the job goes back to
    the queue to try the next candidate after a backoff — or fails when attempts are used up.
    """
    job = DownloadJob.objects.select_for_update().select_related("candidate").filter(pk=job_id).first()
    if job is None or job.is_terminal or job.candidate is None:
        return
    candidate = job.candidate
    candidate.state = Candidate.State.WRONG if wrong_file else Candidate.State.FAILED
    candidate.rejection_reason = reason[:500]
    candidate.save(update_fields=["state", "rejection_reason"])
    if wrong_file and job.track_id:
        RejectedFile.objects.get_or_create(
            track_id=job.track_id, username=candidate.username, filename=candidate.filename,
            defaults={"reason": reason[:500]},
        )  # fmt: skip
    elif not wrong_file:
        record_peer_result(candidate.username, success=False)
    attempts = job.attempts + (1 if count_attempt else 0)
    if attempts >= job.max_attempts:
        _move(job.pk, [job.status], Status.FAILED, attempts=attempts, error=reason, status_reason="")
        return
    delay = 0 if not count_attempt else backoff_seconds(attempts)
    _move(
        job.pk, [job.status], Status.QUEUED, attempts=attempts, error=reason, candidate=None,
        transfer_id="", transfer_state="", progress=0, bytes_transferred=0, local_path="",
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
        status_reason=f"trying another file in {delay} s: {reason}"[:500] if delay else reason[:500],
    )  # fmt: skip
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
    return _move(job_id, [Status.IMPORTING], Status.COMPLETED, library_path=library_path, status_reason="")


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
