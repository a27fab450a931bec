"""Starting slskd transfers and following them until the file is on disk."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from downloads import services
from downloads.engine.context import EngineRun
from downloads.models import Candidate, DownloadJob
from downloads.slskd import (
    SlskdError,
    SlskdProtocolError,
    SlskdUnreachable,
    SlskdUserOffline,
    Transfer,
)
from library import history
from soulspot.lib.queue import enqueue

logger = logging.getLogger(__name__)
Status = DownloadJob.Status


def start_transfer(
    run: EngineRun, job: DownloadJob, candidate: Candidate, *, from_status: str = Status.QUEUED
) -> None:
    """Hand one candidate to slskd, re-using a transfer of this attempt slskd already has."""
    existing = _transfer_of_this_attempt(run, job, candidate)
    try:
        transfer = (
            existing
            or run.client.enqueue(candidate.username, [(candidate.filename, candidate.size)])[0]
        )
    except SlskdUnreachable:
        raise  # slskd itself is down: the whole step waits
    except SlskdUserOffline as exc:
        _mark_trying(job, candidate, from_status)
        services.fail_candidate(
            job.pk, f"{candidate.username} is offline ({exc})", wrong_file=False
        )
        return
    except SlskdError as exc:
        _mark_trying(job, candidate, from_status)
        services.fail_candidate(job.pk, f"slskd would not queue the file: {exc}", wrong_file=False)
        return
    moved = services.transition(
        job.pk,
        [from_status],
        Status.DOWNLOADING,
        candidate=candidate,
        transfer_id=transfer.id,
        transfer_state=transfer.state,
        progress=transfer.percent_complete,
        progress_at=timezone.now(),
        bytes_transferred=transfer.bytes_transferred,
        local_path="",
        status_reason=f"queued with {candidate.username}",
    )
    if not moved:
        # The user paused or cancelled the job while we talked to slskd: undo our side.
        run.client.cancel(candidate.username, transfer.id)
        return
    Candidate.objects.filter(pk=candidate.pk).update(state=Candidate.State.TRYING)
    history.record(
        history.Type.GRABBED,
        f"Grabbed {candidate.filename} from {candidate.username}",
        track=job.track_id,
        job_id=job.pk,
        user=candidate.username,
        file=candidate.filename,
        quality=candidate.quality,
        size=candidate.size,
    )


def _mark_trying(job: DownloadJob, candidate: Candidate, from_status: str) -> None:
    """Point the job at the candidate so `fail_candidate` knows which one failed."""
    DownloadJob.objects.filter(pk=job.pk, status=from_status).update(candidate=candidate)
    Candidate.objects.filter(pk=candidate.pk).update(state=Candidate.State.TRYING)


def _transfer_of_this_attempt(
    run: EngineRun, job: DownloadJob, candidate: Candidate
) -> Transfer | None:
    """A transfer of this very file that belongs to this attempt: never download it twice.

    A live transfer is always ours to follow (a crash between enqueueing and saving its id).
    A finished one counts only if it was requested since the job last changed state and its
    file is still in the downloads folder: slskd lists finished transfers until they are
    removed, and an old one's file has long been moved into the library, so re-using it would
    make "download again" and re-downloads fail.
    """
    for transfer in run.client.list_transfers(username=candidate.username):
        if transfer.filename != candidate.filename:
            continue
        if transfer.is_active:
            return transfer
        requested = transfer.requested_at or transfer.enqueued_at
        if transfer.is_succeeded and requested and requested >= job.state_changed_at:
            path = run.client.local_path_for(transfer, candidate.username)
            if path is not None and path.is_file() and path.stat().st_size == candidate.size:
                return transfer
    return None


def follow_transfers(run: EngineRun) -> None:
    jobs = DownloadJob.objects.filter(status=Status.DOWNLOADING, kind=DownloadJob.Kind.TRACK)
    for job in jobs.select_related("candidate"):
        if job.pk in run.touched:
            continue
        run.touched.add(job.pk)
        try:
            follow_transfer(run, job)
        except SlskdProtocolError as exc:
            logger.warning("transfer of job %s: unreadable reply from slskd: %s", job.pk, exc)
            DownloadJob.objects.filter(pk=job.pk).update(
                status_reason=f"slskd sent garbage: {exc}"[:500]
            )


def follow_transfer(run: EngineRun, job: DownloadJob) -> None:
    candidate = job.candidate
    if candidate is None or not job.transfer_id:
        services.transition(
            job.pk,
            [Status.DOWNLOADING],
            Status.QUEUED,
            status_reason="lost track of the transfer; retrying",
        )
        return
    transfer = run.client.get_transfer(candidate.username, job.transfer_id)
    if transfer is None:
        _recover_forgotten_transfer(run, job, candidate)
    elif transfer.is_succeeded:
        _hand_over_file(run, job, candidate, transfer)
    elif transfer.is_failed and transfer.is_final_failure(
        run.client.download_retry_attempts(), max_delay=run.client.download_retry_max_delay()
    ):
        reason = f"{transfer.state}: {transfer.exception or 'no reason given'}"
        services.fail_candidate(
            job.pk, f"download from {candidate.username} failed ({reason})", wrong_file=False
        )
    else:
        _record_progress(run, job, candidate, transfer)


def _recover_forgotten_transfer(run: EngineRun, job: DownloadJob, candidate: Candidate) -> None:
    """slskd restarted and forgot the transfer: keep the file if it had finished, else retry."""
    path = run.client.local_path_for(candidate.filename, candidate.username)
    if path is not None and path.is_file() and path.stat().st_size == candidate.size:
        _to_importing(job, candidate, path, transfer_state="Completed, Succeeded")
        return
    services.fail_candidate(job.pk, "slskd no longer knows this transfer", wrong_file=False)


def _record_progress(
    run: EngineRun, job: DownloadJob, candidate: Candidate, transfer: Transfer
) -> None:
    now = timezone.now()
    moved = transfer.bytes_transferred > job.bytes_transferred
    progress_at = now if moved or job.progress_at is None else job.progress_at
    queue = _queue_position(run, job, candidate, transfer, now)
    transfer = replace(transfer, place_in_queue=queue["queue_position"])
    DownloadJob.objects.filter(pk=job.pk, status=Status.DOWNLOADING).update(
        transfer_state=transfer.state,
        bytes_transferred=transfer.bytes_transferred,
        bytes_total=transfer.size or candidate.size,
        speed_bps=max(int(transfer.average_speed), 0),
        transfer_added_at=transfer.requested_at,
        progress=transfer.percent_complete,
        progress_at=progress_at,
        status_reason=_describe(transfer, candidate),
        **queue,
    )
    timeout = _timed_out(job, transfer, progress_at, now)
    if timeout:
        run.client.cancel(candidate.username, transfer.id)
        services.fail_candidate(job.pk, timeout, wrong_file=False)


# Ask a peer for our place in its queue at most this often: each ask is a message to the peer.
QUEUE_POSITION_EVERY = timedelta(minutes=1)


def _queue_position(
    run: EngineRun, job: DownloadJob, candidate: Candidate, transfer: Transfer, now: datetime
) -> dict:
    """Our place in the peer's queue while the transfer waits there (slskd only knows it when
    asked), as the job fields to save."""
    if not transfer.is_queued_remotely:
        return {"queue_position": None}
    asked = job.queue_position_at
    if asked is not None and now - asked < QUEUE_POSITION_EVERY:
        return {"queue_position": transfer.place_in_queue or job.queue_position}
    try:
        position = run.client.queue_position(candidate.username, transfer.id)
    except SlskdUnreachable:
        raise
    except SlskdError as exc:
        # The peer would not say; the figure is optional, the download goes on.
        logger.info("queue position of job %s unknown: %s", job.pk, exc)
        position = None
    return {"queue_position": position or transfer.place_in_queue, "queue_position_at": now}


def _timed_out(
    job: DownloadJob, transfer: Transfer, progress_at: datetime, now: datetime
) -> str | None:
    """Why to give up on this transfer now, or None: a remote queue and a stall differ."""
    if transfer.is_queued_remotely or not transfer.is_active or transfer.bytes_transferred == 0:
        waited = (now - job.state_changed_at).total_seconds()
        if waited > settings.DOWNLOAD_REMOTE_QUEUE_TIMEOUT_SECONDS:
            return f"waited {int(waited // 60)} min in {job.candidate.username}'s queue"
        return None
    stalled = (now - progress_at).total_seconds()
    if stalled > settings.DOWNLOAD_STALL_TIMEOUT_SECONDS:
        return f"no progress for {int(stalled)} s"
    return None


def _describe(transfer: Transfer, candidate: Candidate) -> str:
    if transfer.is_queued_remotely:
        place = f" (place {transfer.place_in_queue})" if transfer.place_in_queue else ""
        return f"in {candidate.username}'s queue{place}"
    if transfer.bytes_transferred:
        return f"downloading from {candidate.username}: {transfer.percent_complete:.0f}%"
    return f"{transfer.state} with {candidate.username}"


def _hand_over_file(
    run: EngineRun, job: DownloadJob, candidate: Candidate, transfer: Transfer
) -> None:
    """importing only once the file is on disk, inside the downloads dir, with the right size."""
    path = run.client.local_path_for(transfer, candidate.username)
    if path is None or not path.is_file() or path.stat().st_size != candidate.size:
        ended = transfer.ended_at or timezone.now()
        if timezone.now() - ended > timedelta(seconds=settings.DOWNLOAD_FILE_APPEAR_GRACE_SECONDS):
            reason = "slskd reported success but the file is not in the downloads folder"
            services.fail_candidate(job.pk, f"{reason} with the expected size", wrong_file=False)
        else:
            DownloadJob.objects.filter(pk=job.pk).update(
                status_reason="waiting for slskd to move the file"
            )
        return
    if _to_importing(job, candidate, path, transfer_state=transfer.state):
        _forget_in_slskd(run, candidate, transfer)


def _forget_in_slskd(run: EngineRun, candidate: Candidate, transfer: Transfer) -> None:
    """The file is ours now: take the finished transfer off slskd's list (the file stays), so
    a later download of the same file starts a fresh transfer. Best effort."""
    try:
        run.client.cancel(candidate.username, transfer.id, remove=True)
    except SlskdError as exc:
        logger.warning("could not remove finished transfer %s: %s", transfer.id, exc)


def _to_importing(
    job: DownloadJob, candidate: Candidate, path: Path, *, transfer_state: str
) -> bool:
    moved = services.transition(
        job.pk,
        [Status.DOWNLOADING],
        Status.IMPORTING,
        local_path=str(path),
        progress=100,
        transfer_state=transfer_state,
        bytes_transferred=candidate.size,
        status_reason="importing",
    )
    if moved:
        Candidate.objects.filter(pk=candidate.pk).update(state=Candidate.State.DONE)
        services.record_peer_result(candidate.username, success=True)
        enqueue("downloads.tasks.import_download", job.pk)
    return moved
