"""Race-safe status changes, and the one rule every path that (re)starts a job checks.

`transition(job, from, to)` updates only if the job is still in one of the expected states, so
a worker and a user clicking "cancel" can never both win.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from downloads.models import DownloadJob, EngineSettings
from downloads.services.errors import AlreadyQueued
from soulspot.lib.queue import enqueue
from soulspot.lib.request_id import current_request_id

logger = logging.getLogger(__name__)
activity = logging.getLogger("soulspot.activity")
# A job that lets go of its transfer (paused, failed over, queued again) keeps none of its figures.
NO_TRANSFER: dict[str, object] = {
    "transfer_id": "",
    "transfer_state": "",
    "progress": 0,
    "bytes_transferred": 0,
    "bytes_total": 0,
    "speed_bps": 0,
    "queue_position": None,
    "queue_position_at": None,
    "transfer_added_at": None,
}
Status = DownloadJob.Status


def transition(job_id: int, from_statuses: Iterable[str], to_status: str, **fields: object) -> bool:
    """Change status only if the job is still in `from_statuses`; True if we won."""
    now = timezone.now()
    extra = {"finished_at": now} if to_status in DownloadJob.TERMINAL_STATUSES else {}
    updated = DownloadJob.objects.filter(pk=job_id, status__in=list(from_statuses)).update(
        status=to_status, state_changed_at=now, updated_at=now, **extra, **fields
    )
    if updated == 1:
        # One JSON line per state change, with why and the request that caused it, if any.
        reason = str(fields.get("status_reason") or fields.get("error") or "")
        activity.info(
            "job #%s is %s%s",
            job_id,
            to_status,
            f": {reason}" if reason else "",
            extra={
                "job_id": job_id,
                "status": to_status,
                "reason": reason,
                "request_id": current_request_id(),
            },
        )
    return updated == 1


def wake_engine() -> bool:
    """Ask the worker to look at the queue now instead of at the next scheduled tick.

    Queues a pump only if none is waiting already: the request is claimed with one conditional
    UPDATE, so of many concurrent wakes exactly one enqueues. A request older than twice the
    pump's budget belongs to a task that was lost (a queue wiped, a worker killed while it
    dequeued) and may be claimed again, so waking never stays blocked. True if a pump was queued.
    """
    now = timezone.now()
    lost = now - timedelta(seconds=2 * max(settings.ENGINE_PUMP_SECONDS, 60))
    EngineSettings.load()  # the row the claim updates
    claimed = EngineSettings.objects.filter(
        Q(pump_requested_at__isnull=True) | Q(pump_requested_at__lt=lost), pk=1
    ).update(pump_requested_at=now)
    if claimed != 1:
        return False
    enqueue("downloads.tasks.pump_engine")
    return True


def pump_started() -> None:
    """The queued pump is running: the next wake queues another (work it may not see)."""
    EngineSettings.objects.filter(pk=1).update(pump_requested_at=None)


def refuse_if_already_wanted(track_id: int, *, other_than: int | None = None) -> None:
    """One live job per track: an active or paused one means "already being downloaded"."""
    existing = DownloadJob.objects.filter(track_id=track_id, status__in=DownloadJob.LIVE_STATUSES)
    job = existing.exclude(pk=other_than).order_by("pk").first()
    if job is not None:
        raise AlreadyQueued(job)


@contextmanager
def one_live_job_per_track(track_id: int | None, *, other_than: int | None = None) -> Iterator:
    """Turn the database's "one live job per track" refusal into AlreadyQueued.

    The check above answers the common case with a clear message; this catches the race it
    cannot see (two requests at once), where the partial unique index refuses the second.
    """
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        if track_id is None:
            raise
        refuse_if_already_wanted(track_id, other_than=other_than)
        raise


def cancel_remote_transfer(job: DownloadJob) -> None:
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
