"""The pump: one engine loop at a time, bounded in time, handing over to a fresh task."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from downloads import services
from downloads.engine import albums, searching, transfers
from downloads.engine.context import EngineRun
from downloads.models import DownloadJob, EngineSettings
from downloads.slskd import SlskdError, SlskdUnauthorized, client_from_settings
from soulspot.lib.processes import holder_id, holder_is_dead

logger = logging.getLogger(__name__)
LEASE_SECONDS = 60


def pump() -> str:
    """Run engine steps for up to ENGINE_PUMP_SECONDS, then re-enqueue if work remains."""
    if not _take_lease():
        return "another pump is running"
    steps = 0
    deadline = time.monotonic() + settings.ENGINE_PUMP_SECONDS
    try:
        while time.monotonic() < deadline and _has_active_work():
            step()
            steps += 1
            _renew_lease()
            time.sleep(settings.ENGINE_STEP_SECONDS)
    finally:
        _release_lease()
    # Checked after releasing the lease, so a job created meanwhile is never left waiting.
    if _has_active_work():
        services.wake_engine()
        return f"{steps} steps; more work queued"
    return f"{steps} steps; queue idle"


def step() -> None:
    """One pass over all active jobs; slskd trouble is recorded on the jobs, never raised."""
    # Tracks a folder import brought in need no download, whether slskd answers or not.
    services.settle_jobs_of_owned_tracks()
    client = client_from_settings()
    if client is None:
        _explain_waiting("slskd is not configured: set SLSKD_URL and SLSKD_API_KEY")
        return
    with client:
        run = EngineRun(client=client, engine=EngineSettings.load())
        try:
            transfers.follow_transfers(run)
            searching.follow_searches(run)
            albums.follow_albums(run)
            if not run.engine.paused:
                searching.start_due_jobs(run)
            else:
                _explain_waiting("all downloads are paused", only_queued=True)
        except SlskdUnauthorized as exc:
            _explain_waiting(f"slskd refused the API key — check SLSKD_API_KEY ({exc})")
        except SlskdError as exc:
            # Unreachable, logged out, or garbage from slskd: jobs stay where they are.
            logger.warning("engine step stopped: %s", exc)
            _explain_waiting(f"waiting for slskd: {exc}")


def _has_active_work() -> bool:
    """Jobs the pump must follow now, or that fall due within one pump's time (a search the
    budget held back for a few seconds). Jobs waiting out a longer backoff are left to the
    one-minute watchdog schedule, so an idle queue does not keep a worker busy."""
    following = DownloadJob.objects.filter(
        status__in=[DownloadJob.Status.SEARCHING, DownloadJob.Status.DOWNLOADING]
    )
    if following.exists():
        return True
    soon = timezone.now() + timedelta(seconds=settings.ENGINE_PUMP_SECONDS)
    due_soon = DownloadJob.objects.filter(status=DownloadJob.Status.QUEUED).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=soon)
    )
    return not EngineSettings.load().paused and due_soon.exists()


# The statuses the engine moves; importing belongs to the import task.
ENGINE_STATUSES = [
    DownloadJob.Status.QUEUED,
    DownloadJob.Status.SEARCHING,
    DownloadJob.Status.DOWNLOADING,
]


def _explain_waiting(reason: str, *, only_queued: bool = False) -> None:
    statuses = [DownloadJob.Status.QUEUED] if only_queued else ENGINE_STATUSES
    reason = reason[:500]
    DownloadJob.objects.filter(status__in=statuses).exclude(status_reason=reason).update(
        status_reason=reason
    )


def _take_lease() -> bool:
    """Race-safe: the conditional update succeeds for exactly one pump."""
    engine = EngineSettings.load()
    now = timezone.now()
    free = Q(pump_lease_until__isnull=True) | Q(pump_lease_until__lt=now)
    if (
        engine.pump_lease_until
        and engine.pump_lease_until >= now
        and holder_is_dead(engine.pump_lease_holder)
    ):
        # The worker that held it was killed (crash, restart): take over at once.
        free = free | Q(pump_lease_holder=engine.pump_lease_holder)
    until = now + timedelta(seconds=LEASE_SECONDS)
    taken = EngineSettings.objects.filter(free, pk=1).update(
        pump_lease_until=until, pump_lease_holder=_me()
    )
    return taken == 1


def _me() -> str:
    return holder_id()


def _renew_lease() -> None:
    until = timezone.now() + timedelta(seconds=LEASE_SECONDS)
    EngineSettings.objects.filter(pk=1, pump_lease_holder=_me()).update(pump_lease_until=until)


def _release_lease() -> None:
    EngineSettings.objects.filter(pk=1, pump_lease_holder=_me()).update(pump_lease_until=None)
