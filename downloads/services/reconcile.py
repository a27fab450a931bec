"""Reconciling live jobs with the world after a restore (and at every start).

A database restored from a backup is older than the music folder and than slskd: jobs it
holds as searching, downloading or importing may have finished long ago (their file is in the
library now) or lost a transfer slskd no longer knows. Left alone, the engine would count each
one as a failed attempt ("slskd no longer knows this transfer") and end up marking finished
downloads failed. Here each such job is either completed (the library has its track) or sent
back to the queue keeping its attempts; none is failed for that reason.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from downloads.models import Candidate, DownloadJob
from downloads.services.transitions import NO_TRANSFER, transition
from downloads.slskd import SlskdClient, SlskdError, SlskdUnreachable, client_from_settings

logger = logging.getLogger(__name__)
Status = DownloadJob.Status
# Jobs that hold a search, a transfer or a file in hand: the ones a restore can leave stale.
IN_FLIGHT = (Status.SEARCHING, Status.DOWNLOADING, Status.IMPORTING)
OWNED_REASON = "the library already has this track"
REQUEUED_REASON = "its search or transfer was lost (restore or restart); starting again"


@dataclass
class Reconciled:
    """Job ids by outcome; `kept` ones are still known to slskd or cannot be checked now."""

    completed: list[int] = field(default_factory=list)
    requeued: list[int] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{len(self.completed)} completed (already in the library), "
            f"{len(self.requeued)} queued again, {len(self.kept)} left as they were"
        )


def reconcile_live_jobs(*, after_restore: bool = False) -> Reconciled:
    """Complete live jobs whose track is already in the library; re-queue in-flight jobs whose
    search, transfer or downloaded file is gone (attempts are kept).

    `after_restore` treats every search and transfer as unknown (slskd's state belongs to a
    later time than the database); otherwise slskd is asked, and an unreachable slskd leaves
    jobs as they are.
    """
    result = Reconciled()
    live = DownloadJob.objects.filter(
        kind=DownloadJob.Kind.TRACK, status__in=[Status.QUEUED, Status.PAUSED, *IN_FLIGHT]
    ).select_related("candidate", "track")
    client = None if after_restore else client_from_settings()
    try:
        for job in live.order_by("pk"):
            _reconcile_one(job, client, after_restore, result)
    finally:
        if client is not None:
            client.close()
    if result.completed or result.requeued:
        logger.info("reconciled download jobs: %s", result)
    return result


def _reconcile_one(
    job: DownloadJob, client: SlskdClient | None, after_restore: bool, result: Reconciled
) -> None:
    in_library = _library_path(job)
    if in_library and not _import_in_hand(job):
        if _complete_as_owned(job, in_library):
            result.completed.append(job.pk)
        return
    if job.status not in IN_FLIGHT:
        return
    try:
        stale = _is_stale(job, client, after_restore)
    except SlskdError:
        stale = False  # slskd cannot tell now; the engine follows the job when it can
    if stale and _requeue(job):
        result.requeued.append(job.pk)
    else:
        result.kept.append(job.pk)


def _library_path(job: DownloadJob) -> str | None:
    """The library file of a wanted track, when the library has one (re-downloads and
    upgrades are for owned tracks: their file is no reason to stop)."""
    if job.track is None or job.purpose != DownloadJob.Purpose.WANT:
        return None
    files = job.track.files.healthy().order_by("-pk")
    for path in files.values_list("path", flat=True)[:5]:
        if Path(path).is_file():
            return path
    return None


def _import_in_hand(job: DownloadJob) -> bool:
    """An import with its downloaded file still on disk finishes by itself."""
    return job.status == Status.IMPORTING and bool(job.local_path) and Path(job.local_path).exists()


def _is_stale(job: DownloadJob, client: SlskdClient | None, after_restore: bool) -> bool:
    if job.status == Status.IMPORTING:
        return not _import_in_hand(job)
    if after_restore or client is None:
        return True  # slskd is not configured: nothing can follow the job where it is
    if job.status == Status.SEARCHING:
        return not job.search_id or not _search_known(client, job.search_id)
    candidate = job.candidate
    if candidate is None or not job.transfer_id:
        return True
    if client.get_transfer(candidate.username, job.transfer_id) is not None:
        return False
    # Forgotten, but a finished file waiting in the downloads folder is the engine's to import.
    path = client.local_path_for(candidate.filename, candidate.username)
    return not (path is not None and path.is_file() and path.stat().st_size == candidate.size)


def _search_known(client: SlskdClient, search_id: str) -> bool:
    try:
        client.search_state(search_id)
    except SlskdUnreachable:
        raise
    except SlskdError:
        return False
    return True


def _complete_as_owned(job: DownloadJob, library_path: str) -> bool:
    return transition(
        job.pk,
        [job.status],
        Status.COMPLETED,
        library_path=library_path,
        status_reason=OWNED_REASON,
    )


def _requeue(job: DownloadJob) -> bool:
    """Back to queued, keeping attempts: the file being tried goes back to the candidates."""
    moved = transition(
        job.pk,
        [job.status],
        Status.QUEUED,
        **NO_TRANSFER,
        candidate=None,
        search_id="",
        local_path="",
        next_attempt_at=timezone.now(),
        status_reason=REQUEUED_REASON,
    )
    if moved and job.candidate_id:
        Candidate.objects.filter(pk=job.candidate_id, state=Candidate.State.TRYING).update(
            state=Candidate.State.PENDING
        )
    return moved
