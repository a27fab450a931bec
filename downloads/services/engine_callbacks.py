"""What the engine and the import handoff report: a file failed, a job completed, a peer did
well or badly, a track arrived in the library by another way."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from downloads.models import Candidate, DownloadJob, Peer, RejectedFile
from downloads.services.search_backoff import record_fruitless_search
from downloads.services.transitions import (
    NO_TRANSFER,
    cancel_remote_transfer,
    transition,
    wake_engine,
)
from library import history
from library.models import Track

Status = DownloadJob.Status
# Backoff between attempts: 30 s, 60 s, 120 s… capped at 30 min.
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 30 * 60
# Jobs not yet holding a file can simply be marked done; a running transfer is cancelled.
_SETTLE_AS_DONE = (Status.QUEUED, Status.SEARCHING, Status.PAUSED)


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
    if wrong_file:
        _record(history.Type.REJECTED, f"Rejected {candidate.filename}: {reason}", job, reason)
    attempts = job.attempts + (1 if count_attempt else 0)
    if attempts >= job.max_attempts:
        if transition(
            job.pk, [job.status], Status.FAILED, attempts=attempts, error=reason, status_reason=""
        ):
            message = f"Failed after {attempts} attempts: {reason}"
            _record(history.Type.FAILED, message, job, reason)
            record_fruitless_search(job.track_id)
        return
    delay = 0 if not count_attempt else backoff_seconds(attempts)
    # With no other candidate left, the next start searches again from the first query.
    has_more = job.candidates.filter(state=Candidate.State.PENDING, rank__isnull=False).exists()
    # What comes next, without the wait: the page counts it down from next_attempt_at.
    next_step = DownloadJob.NEXT_FILE if has_more else DownloadJob.NEXT_SEARCH
    transition(
        job.pk,
        [job.status],
        Status.QUEUED,
        attempts=attempts,
        error=reason,
        candidate=None,
        tried_queries=job.tried_queries if has_more else [],
        **NO_TRANSFER,
        local_path="",
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
        status_reason=f"{next_step}: {reason}"[:500],
    )
    transaction.on_commit(wake_engine)


def _record(type: str, message: str, job: DownloadJob, reason: str) -> None:
    candidate = job.candidate
    history.record(
        type,
        message,
        track=job.track_id,
        job_id=job.pk,
        reason=reason,
        user=candidate.username,
        file=candidate.filename,
    )


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


def settle_jobs_for_owned_track(
    track: Track, library_path: Path | str, *, except_job: int | None = None
) -> int:
    """Stop downloading a track the library now has (imported by a job, or from a folder);
    returns how many jobs were settled.

    Queued, searching and paused jobs are completed with the library path; a running transfer
    is cancelled. A job that is importing is left alone: its own import will find this file.
    """
    jobs = DownloadJob.objects.filter(
        track=track, kind=DownloadJob.Kind.TRACK, purpose=DownloadJob.Purpose.WANT
    )
    jobs = jobs.filter(status__in=[*_SETTLE_AS_DONE, Status.DOWNLOADING]).exclude(pk=except_job)
    settled = 0
    for job in jobs:
        settled += _settle(job, str(library_path))
    return settled


def _settle(job: DownloadJob, library_path: str) -> int:
    now = timezone.now()
    reason = "the library already has this track"
    if job.status == Status.DOWNLOADING:
        if not transition(job.pk, [Status.DOWNLOADING], Status.CANCELLED, status_reason=reason):
            return 0
        cancel_remote_transfer(job)
        return 1
    return DownloadJob.objects.filter(pk=job.pk, status__in=_SETTLE_AS_DONE).update(
        status=Status.COMPLETED,
        library_path=library_path,
        status_reason=reason,
        finished_at=now,
        state_changed_at=now,
        updated_at=now,
    )


def settle_jobs_of_owned_tracks() -> int:
    """Settle live jobs whose track the library got some other way (a folder import).

    A job that re-downloads an owned track has put its track back to wanted, so only tracks
    that became owned since are matched here.
    """
    jobs = DownloadJob.objects.filter(
        kind=DownloadJob.Kind.TRACK,
        purpose=DownloadJob.Purpose.WANT,  # re-downloads and upgrades are for owned tracks
        status__in=[*_SETTLE_AS_DONE, Status.DOWNLOADING],
        track__status=Track.Status.OWNED,
    ).select_related("candidate")
    settled = 0
    for job in jobs:
        path = job.track.files.healthy().order_by("-pk").values_list("path", flat=True).first()
        if path:
            settled += _settle(job, path)
    return settled


def stop_job_of_unmonitored_track(job: DownloadJob) -> bool:
    """A queued job whose track the user stopped monitoring ends here (files untouched)."""
    return transition(
        job.pk, [Status.QUEUED], Status.CANCELLED, status_reason="the track is no longer monitored"
    )
