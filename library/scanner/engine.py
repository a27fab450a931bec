"""Running one LibraryScan: claim it, list the files, read what changed on all cores, write.

A run holds a lease on the scan row and renews it with every batch it writes; the renewal is
`filter(pk, runner=token, status=running).update(...)`, so a cancelled scan, or one another
process took over after this one stalled, stops at its next batch with nothing half-written.
Progress survives any interruption: a file that was written has its new size and mtime in the
database (or, in a full scan, `last_scanned_at` after the scan began), so a resumed run skips it.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from library import paths as library_paths
from library import playlists
from library.models import LibraryScan, ScanProblem, TrackFile
from library.scanner import completeness, config, duplicates
from library.scanner.batch import BatchWriter
from library.scanner.plan import Plan, make_plan
from library.scanner.reader import FileReading, read_many
from library.scanner.walk import Problem, walk
from soulspot.lib.processes import holder_id, holder_is_dead

logger = logging.getLogger(__name__)
Status = LibraryScan.Status
Phase = LibraryScan.Phase

# Results written per transaction: small enough to keep write locks short.
BATCH_FILES = 200
BATCH_BYTES = 256 * 1024 * 1024

ProgressCallback = Callable[[LibraryScan], None]
_COUNTERS = (
    "files_seen",
    "files_new",
    "files_changed",
    "files_removed",
    "files_broken",
    "problem_count",
    "bytes_read",
)


class LostLease(Exception):
    """The scan was cancelled, or another run took it over: stop without writing more."""


def claim(scan_id: int) -> str | None:
    """Take the lease on a queued or interrupted scan; the run's token, or None if taken.

    Free means no lease, an expired lease, or a lease whose holder's process is gone (killed
    with its worker): the update names that holder, so of two claimants only one wins.
    """
    token = f"{uuid.uuid4().hex[:12]}@{holder_id()}"
    now = timezone.now()
    free = Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)
    held_by = LibraryScan.objects.filter(pk=scan_id).values_list("runner", flat=True).first()
    if held_by and runner_is_dead(held_by):
        free = free | Q(runner=held_by)
    claimable = LibraryScan.objects.filter(
        free, pk=scan_id, status__in=[Status.QUEUED, Status.RUNNING]
    )
    won = claimable.update(
        status=Status.RUNNING,
        runner=token,
        started_at=Coalesce("started_at", now),
        lease_expires_at=now + timedelta(seconds=settings.SOULSPOT_SCAN_LEASE_SECONDS),
    )
    return token if won == 1 else None


def runner_is_dead(runner: str) -> bool:
    """The process that held this run's lease is gone (same host only; see holder_is_dead)."""
    return holder_is_dead(runner.partition("@")[2])


def execute(
    scan_id: int, *, slice_seconds: float | None = None, progress: ProgressCallback | None = None
) -> str:
    """Claim and run a scan; "completed", "sliced" (time is up, resume later) or "skipped"."""
    token = claim(scan_id)
    if token is None:
        return "skipped"
    run = ScanRun(LibraryScan.objects.get(pk=scan_id), token, slice_seconds, progress)
    try:
        return run.run()
    except LostLease:
        return "skipped"
    except BaseException as exc:
        run.fail(exc)
        raise


class ScanRun:
    def __init__(
        self,
        scan: LibraryScan,
        token: str,
        slice_seconds: float | None,
        progress: ProgressCallback | None,
    ) -> None:
        self.scan = scan
        self.token = token
        self.deadline = time.monotonic() + slice_seconds if slice_seconds else None
        self.progress = progress or (lambda scan: None)
        self.last_renewal = time.monotonic()

    def run(self) -> str:
        scan = self.scan
        self.save(phase=Phase.WALKING)
        walked = walk(
            scan.path,
            skip=(str(library_paths.recycle_dir()),),
            tick=self.keep_alive,
            boundary=library_paths.music_root(),
        )
        first_walk = scan.files_total is None
        if first_walk:
            self.record_problems(walked.problems)
        plan = make_plan(scan, walked)
        self.start_reading(plan)
        if not self.read(plan):
            return "sliced"
        self.save(phase=Phase.MISSING)
        self.mark_gone(plan)
        self.save(phase=Phase.DUPLICATES)
        self.finish(changed=bool(scan.files_new or scan.files_changed or scan.files_removed))
        return "completed"

    # -- phases --------------------------------------------------------------------------------

    def start_reading(self, plan: Plan) -> None:
        scan = self.scan
        remaining = sum(f.size for f in plan.to_read)
        with transaction.atomic():
            back = TrackFile.objects.filter(pk__in=plan.revived)
            revived = back.update(is_missing=False, updated_at=timezone.now())
            self.save(
                phase=Phase.READING,
                files_total=plan.total,
                files_seen=plan.total - len(plan.to_read),
                files_new=scan.files_new + revived,
                bytes_to_read=scan.bytes_read + remaining,
                reading_started_at=scan.reading_started_at or timezone.now(),
            )
        self.progress(scan)

    def read(self, plan: Plan) -> bool:
        """Read and write every planned file; False when the time slice ran out first."""
        writer = BatchWriter(self.scan)
        paths = [f.path for f in plan.to_read]
        workers = settings.SOULSPOT_SCAN_WORKERS
        results = read_many(paths, deep=self.scan.deep, workers=workers, ahead=2 * BATCH_FILES)
        try:
            batch: list[FileReading] = []
            size = 0
            for result in results:
                batch.append(result)
                size += result.size
                if len(batch) >= BATCH_FILES or size >= BATCH_BYTES:
                    self.write(writer, batch)
                    batch, size = [], 0
                    if self.deadline and time.monotonic() > self.deadline:
                        self.release()
                        return False
            if batch:
                self.write(writer, batch)
        finally:
            results.close()  # stops the worker pool when we leave early
        return True

    def write(self, writer: BatchWriter, batch: list[FileReading]) -> None:
        before = LibraryScan(**{f: getattr(self.scan, f) for f in _COUNTERS})

        def commit() -> None:  # counts from `before`, so a retried attempt does not add twice
            counts = writer.write(batch)
            self.save(
                files_seen=before.files_seen + len(batch),
                files_new=before.files_new + counts.new,
                files_changed=before.files_changed + counts.changed,
                files_removed=before.files_removed + counts.removed,
                files_broken=before.files_broken + counts.broken,
                problem_count=before.problem_count + counts.problems,
                bytes_read=before.bytes_read + sum(r.size for r in batch),
            )

        config.retry_when_locked(commit, on_retry=writer.reset)
        self.progress(self.scan)

    def mark_gone(self, plan: Plan) -> None:
        if plan.not_mounted:
            self.record_problems([plan.not_mounted])
            return
        removed = 0
        for start in range(0, len(plan.gone), 500):
            chunk = plan.gone[start : start + 500]
            gone = TrackFile.objects.filter(pk__in=chunk, is_missing=False)
            removed += gone.update(is_missing=True, updated_at=timezone.now())
        self.save(files_removed=self.scan.files_removed + removed)

    def finish(self, *, changed: bool) -> None:
        if changed or self.scan.full or _library_changed_since_last_scan():
            duplicates.refresh_groups()
            completeness.recompute_owned()
            # Files that appeared, changed, broke, vanished or came back during this scan.
            touched = TrackFile.objects.filter(updated_at__gte=self.scan.started_at)
            playlists.regenerate_for_files(touched)
        root = self.scan.path
        self.save(
            status=Status.COMPLETED,
            phase=Phase.DONE,
            is_active=False,
            finished_at=timezone.now(),
            lease_expires_at=None,
            broken_total=TrackFile.objects.broken().under(root).count(),
            duplicate_groups=duplicates.open_group_count(),
        )
        self.progress(self.scan)

    # -- bookkeeping ---------------------------------------------------------------------------

    def save(self, **fields: object) -> None:
        """Write fields (and renew the lease) if we still hold the scan; else LostLease."""
        lease = timezone.now() + timedelta(seconds=settings.SOULSPOT_SCAN_LEASE_SECONDS)
        if "lease_expires_at" not in fields:
            fields["lease_expires_at"] = lease
        updated = LibraryScan.objects.filter(
            pk=self.scan.pk, runner=self.token, status=Status.RUNNING
        ).update(**fields)
        if updated != 1:
            raise LostLease(self.scan.pk)
        for name, value in fields.items():
            setattr(self.scan, name, value)
        self.last_renewal = time.monotonic()

    def keep_alive(self) -> None:
        """Renew the lease during a long walk (a slow network share), at most every 10 s."""
        if time.monotonic() - self.last_renewal > 10:
            self.save()

    def release(self) -> None:
        """Give the lease back so the next slice (a new task) can claim the scan at once."""
        self.save(lease_expires_at=None)

    def record_problems(self, problems: list[Problem]) -> None:
        if not problems:
            return
        ScanProblem.objects.bulk_create(
            ScanProblem(scan_id=self.scan.pk, kind=p.kind, path=p.path, detail=p.detail[:1000])
            for p in problems
        )
        self.save(problem_count=self.scan.problem_count + len(problems))

    def fail(self, exc: BaseException) -> None:
        """Record an unexpected error; KeyboardInterrupt (Ctrl-C on the command) cancels."""
        logger.exception("scan #%s failed", self.scan.pk)
        interrupted = isinstance(exc, KeyboardInterrupt)
        LibraryScan.objects.filter(pk=self.scan.pk, runner=self.token).update(
            status=Status.CANCELLED if interrupted else Status.FAILED,
            error="interrupted by the user" if interrupted else f"{type(exc).__name__}: {exc}",
            is_active=False,
            finished_at=timezone.now(),
            lease_expires_at=None,
        )


def _library_changed_since_last_scan() -> bool:
    """Files written by others (the importer, resolutions) since the last completed scan.

    Duplicate groups and album completeness are refreshed after a scan only when something
    changed, which keeps a rescan of an unchanged library fast.
    """
    last = LibraryScan.objects.filter(status=Status.COMPLETED).order_by("-finished_at").first()
    if last is None or last.finished_at is None:
        return True
    return TrackFile.objects.filter(updated_at__gte=last.finished_at).exists()
