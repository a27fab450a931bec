"""Library tasks: thin wrappers that re-fetch by id and call one service each."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import OperationalError

from library import services
from library.models import LibraryScan
from soulspot.lib.queue import enqueue

logger = logging.getLogger(__name__)


def run_scan(scan_id: int) -> str:
    """Run a scan for one time slice; a fresh task continues it when the slice is used up."""
    if not LibraryScan.objects.active().filter(pk=scan_id).exists():
        return f"scan #{scan_id} is not active"
    outcome = services.run_scan(scan_id, slice_seconds=settings.SOULSPOT_SCAN_SLICE_SECONDS)
    if outcome == "sliced":
        enqueue("library.tasks.run_scan", scan_id)
        return f"scan #{scan_id}: time slice used, continuing in a new task"
    return f"scan #{scan_id}: {outcome}"


def resume_interrupted_scans() -> str:
    """Periodic: restart scans whose worker died. A locked database just waits for next time."""
    try:
        resumed = services.resume_interrupted_scans()
    except OperationalError as exc:
        if "locked" not in str(exc):
            raise
        logger.warning("database is locked; interrupted scans will be resumed next time")
        return "database is locked; skipped"
    return f"resumed scans {resumed}" if resumed else "no interrupted scan"


def scheduled_scan() -> str:
    """Periodic: an incremental scan of the whole music folder, unless one is running."""
    try:
        scan = services.start_scan(requested_by="schedule")
    except services.ScanAlreadyRunning as exc:
        return f"skipped: {exc}"
    except OperationalError as exc:
        if "locked" not in str(exc):
            raise
        return "database is locked; skipped"
    return f"started scan #{scan.pk}"


def retag_due() -> str:
    """Re-tag (and rename) the files of tracks whose chosen metadata changed."""
    from library.provenance import retag

    return str(retag.retag_due())


def resettle(kind: str, fields: list[str], after_pk: int = 0) -> str:
    """Settle fields again after the metadata settings changed, a batch at a time."""
    from library.provenance import configure

    last = configure.resettle(kind, fields, after_pk)
    if last:
        enqueue("library.tasks.resettle", kind, fields, last)
    return f"{kind} {', '.join(fields)} settled again up to #{last or 'the end'}"
