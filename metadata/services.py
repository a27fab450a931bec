"""Import pipeline services: every view, API endpoint, admin action, command and task calls these.

See `metadata.importer` for how one file travels into the library.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from library import paths as library_paths
from library.models import AlbumCompleteness
from library.safe_files import TEMP_PREFIX, recover_incomplete_moves, set_aside_orphan_copies
from metadata import completeness
from metadata.importer import adopt, fillin
from metadata.importer.adopt import ImportRefused, Progress
from metadata.models import ImportBatch, ImportItem, MetadataGap
from soulspot.lib.queue import enqueue

logger = logging.getLogger(__name__)
# Leftovers younger than this may belong to a move or an import still running.
LEFTOVER_MIN_AGE = 60 * 60

__all__ = [
    "ImportRefused",
    "check_album_completeness",
    "check_due_albums",
    "clean_leftovers",
    "fill_metadata_gaps",
    "fill_track_gaps",
    "resume_stalled_imports",
    "run_folder_import",
    "start_folder_import",
]


# --- folders the user already has --------------------------------------------------------


def start_folder_import(path: str, *, keep_source: bool = False, deep: bool = False) -> ImportBatch:
    """Queue the import of a folder (or one file) inside an import folder (the API and page).

    Raises ImportRefused with the reason; a path outside every import folder gets the same
    answer whether or not it exists.
    """
    source = adopt.check_source(path)
    with transaction.atomic():
        batch = ImportBatch.objects.create(path=str(source), keep_source=keep_source, deep=deep)
        transaction.on_commit(lambda: enqueue("metadata.tasks.run_folder_import", batch.pk))
    return batch


def run_folder_import(
    batch_id: int, *, progress: Progress | None = None, resume: bool = False
) -> ImportBatch | None:
    """Run a queued batch now (the task and `manage.py import` call this); None if taken."""
    if not adopt.claim(batch_id, resume=resume):
        return None
    batch = ImportBatch.objects.get(pk=batch_id)
    try:
        return adopt.run(batch, progress)
    except Exception as exc:
        adopt.finish(batch, error=f"{type(exc).__name__}: {exc}")
        raise


def resume_folder_imports(batch_ids: list[int]) -> int:
    """Continue unfinished folder imports in the background; returns how many."""
    unfinished = ImportBatch.objects.filter(pk__in=batch_ids).exclude(
        status__in=ImportBatch.TERMINAL_STATUSES
    )
    ids = list(unfinished.values_list("pk", flat=True))
    for batch_id in ids:
        enqueue("metadata.tasks.resume_folder_import", batch_id)
    return len(ids)


def import_folder_now(
    path: str, *, keep_source: bool = False, deep: bool = False, progress: Progress | None = None
) -> ImportBatch:
    """Import a folder inline (the management command): create, claim and run a batch.

    Any folder is accepted: only the operator at the server's shell runs the command, and
    they can read and copy those files anyway. Symlinks inside it are still not followed.
    """
    source = adopt.check_source(path, anywhere=True)
    batch = ImportBatch.objects.create(path=str(source), keep_source=keep_source, deep=deep)
    return run_folder_import(batch.pk, progress=progress) or batch


# --- metadata gaps ------------------------------------------------------------------------


def fill_metadata_gaps(limit: int = fillin.DEFAULT_LIMIT) -> str:
    """Ask the providers again for due gaps (the scheduled fill-in)."""
    return fillin.fill_due_gaps(limit)


def fill_track_gaps(track_id: int) -> list[str]:
    """Retry one track's gaps now, due or not (admin action, "fill in now" button)."""
    return fillin.fill_track(track_id, due_only=False)


def retry_gaps_now(gap_ids: list[int] | None = None) -> int:
    """Make gaps due now and wake the fill-in task; returns how many were touched."""
    gaps = (
        MetadataGap.objects.all() if gap_ids is None else MetadataGap.objects.filter(pk__in=gap_ids)
    )
    count = gaps.update(next_attempt_at=timezone.now())
    transaction.on_commit(lambda: enqueue("metadata.tasks.fill_metadata_gaps"))
    return count


# --- keeping imports going after a restart ------------------------------------------------


def resume_stalled_imports() -> str:
    """Re-enqueue folder imports nobody runs any more (scheduled every minute).

    A batch whose runner process is gone is resumed at once; one held by a process we cannot
    see (another host) after STALE_MINUTES of silence. The resumed run claims the batch with a
    compare-and-swap (`adopt.claim`), so a runner that was alive after all is never doubled.
    Imports of downloads are resumed by the download engine, which owns those jobs.
    """
    now = timezone.now()
    running = ImportBatch.objects.filter(status=ImportBatch.Status.RUNNING)
    batches = [
        b.pk for b in running.only("pk", "runner", "updated_at") if adopt.is_abandoned(b, now)
    ]
    for batch_id in batches:
        enqueue("metadata.tasks.resume_folder_import", batch_id)
    return f"re-queued {len(batches)} folder imports"


def clean_leftovers() -> str:
    """Recover or remove what interrupted moves and imports left behind (at start, scheduled).

    Never touches the work of a live job: journals and staging copies younger than
    LEFTOVER_MIN_AGE may belong to a move or an import in progress (an import task is killed
    after 10 minutes; a copy across filesystems takes seconds to minutes), and a staging copy
    recorded on an unfinished import is that import's to land when it resumes.
    """
    roots = {library_paths.music_root(), str(library_paths.recycle_dir())}
    roots.add(str(library_paths.quarantine_dir()))
    actions: list[str] = []
    for root in sorted(roots):
        actions += recover_incomplete_moves(Path(root), older_than=LEFTOVER_MIN_AGE)
        recycled = set_aside_orphan_copies(
            Path(root), library_paths.recycle_dir(), older_than=LEFTOVER_MIN_AGE
        )
        actions += [f"recycled unverifiable copy {path}" for path in recycled]
    removed = _clear_staging()
    for action in actions:
        logger.info("leftovers: %s", action)
    return f"{len(actions)} interrupted moves handled; {removed} staging copies removed"


def _clear_staging() -> int:
    """Staged copies nobody will use again (a live import has its copy recorded as staged)."""
    folder = library_paths.staging_dir()
    if not folder.is_dir():
        return 0
    unfinished = ImportItem.objects.filter(state=ImportItem.State.STAGED)
    in_use = set(unfinished.values_list("staged_path", flat=True))
    too_old = time.time() - LEFTOVER_MIN_AGE
    removed = 0
    for path in folder.glob(f"{TEMP_PREFIX}*"):
        # Never journalled, so the import had not moved its source yet: the copy is garbage.
        if str(path) not in in_use and _mtime(path) < too_old:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return float("inf")  # gone meanwhile: nothing to do


# --- album completeness -------------------------------------------------------------------


def check_album_completeness(album_id: int) -> AlbumCompleteness:
    """Fetch the album's release track list now and compare it with what is owned."""
    return completeness.check_album(album_id)


def check_due_albums(budget_seconds: float) -> int:
    """Check albums never checked (or not for 30 days) for up to `budget_seconds`."""
    return completeness.check_due_albums(budget_seconds)


def enqueue_album_checks() -> None:
    """Check the albums that are due in the background (the page's "check now")."""
    enqueue("metadata.tasks.check_due_albums")


def enqueue_album_check(album_ids: list[int]) -> None:
    """Check these albums in the background (the admin's action)."""
    for album_id in album_ids:
        enqueue("metadata.tasks.check_album_completeness", album_id)
