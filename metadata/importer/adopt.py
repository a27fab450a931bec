"""Adopting files the user already has (slskd's download folder, an old collection...).

A batch walks its folder in a stable order and imports each audio file like a download, except
that a bad file is left where it is (reported as failed) instead of being quarantined. The
batch can be stopped at any point: run again, it resumes staged files and skips handled ones.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

from django.db.models import Count
from django.utils import timezone

from library import paths as library_paths
from library.audio import UnreadableAudio
from library.models import QualityProfile
from library.naming import UnsafePath
from library.naming import scheme as naming_scheme
from library.scanner.walk import is_audio_file
from library.tagging import TaggingError
from metadata.importer import identify, journal, landing, paths, pipeline
from metadata.importer.reservations import Reservations
from metadata.models import ImportBatch, ImportItem
from soulspot.lib.errors import SoulSpotError
from soulspot.lib.processes import holder_id, holder_is_dead

logger = logging.getLogger(__name__)
State = ImportItem.State
Progress = Callable[[ImportBatch], None]
# Problems with one file that must not stop the other 999 (each is reported on its item).
FILE_ERRORS = (OSError, TaggingError, UnreadableAudio, UnsafePath)
_COUNTER = {State.IMPORTED: "imported", State.SKIPPED: "skipped"}
PROGRESS_SECONDS = 1.0
# A batch silent this long, whose runner we cannot check (another host), is taken over.
STALE_MINUTES = 15
CHUNK_SIZE = 64  # files journalled, moved and recorded together


class ImportRefused(SoulSpotError):
    """The folder cannot be imported (400); the message says why."""


NOT_ALLOWED = "not inside an import folder"


def check_source(path: str, *, anywhere: bool = False) -> Path:
    """The folder or file to import, resolved, or ImportRefused with a reason a user understands.

    Imports started over the network must name a place inside an import folder
    (`SOULSPOT_IMPORT_DIRS`, symlinks resolved); anything else gets one answer, whatever is
    there, so the API cannot be used to learn which paths exist. `anywhere` is for the
    operator's own `manage.py import`, who can read those paths at the shell anyway.
    """
    source = _absolute(path, expand_user=anywhere)
    if source is None and not anywhere:
        raise ImportRefused(NOT_ALLOWED)
    if source is None:
        raise ImportRefused("Give the absolute path of a folder (or file) on the server.")
    real = _resolved(source)
    if real is None and not anywhere:
        raise ImportRefused(NOT_ALLOWED)
    if not anywhere and not library_paths.is_inside(real, library_paths.import_dirs()):
        raise ImportRefused(NOT_ALLOWED)
    if real is None or not _exists(real):
        raise ImportRefused(f"{source} does not exist (or SoulSpot cannot see it).")
    music = library_paths.music_dir()
    if real != music and music.is_relative_to(real):
        raise ImportRefused(f"{source} contains the music library; pick a folder inside it.")
    if not os.access(real, os.R_OK):
        raise ImportRefused(f"SoulSpot may not read {source}.")
    return real


def _resolved(source: Path) -> Path | None:
    """`source` with every symlink resolved; None for a symlink loop."""
    try:
        return source.resolve(strict=False)
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11)
        return None


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # a name too long for the filesystem, a loop further down...
        return False


def _absolute(path: str, *, expand_user: bool) -> Path | None:
    """`path` as an absolute Path, or None (empty, relative, "~" over the network, NUL)."""
    text = (path or "").strip()
    if not text or "\x00" in text:
        return None
    source = Path(text).expanduser() if expand_user else Path(text)
    return source if source.is_absolute() else None


def audio_files(root: Path, refused: list[tuple[Path, str]] | None = None) -> Iterator[Path]:
    """Audio files under `root` in a stable order, skipping hidden files and folders.

    Symlinks are never followed: one could lead to any file the service can read, and
    importing moves (deletes) the source. Each symlinked audio file, and each symlinked folder
    leading outside `root`, is added to `refused` with the reason, so the user sees it.
    """
    refused = [] if refused is None else refused
    if root.is_file():
        yield root
        return
    real_root = root.resolve()
    for folder, subfolders, names in os.walk(root):  # followlinks=False
        kept = []
        for name in sorted(d for d in subfolders if not d.startswith(".")):
            path = Path(folder) / name
            if not path.is_symlink():
                kept.append(name)
            elif not _leads_inside(path, real_root):  # one inside is walked where it really is
                refused.append((path, _link_reason(path)))
        subfolders[:] = kept
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_symlink():
                # Judged by its name only: a link's target is never opened, not even to sniff.
                if is_audio_file(name, str(path), is_file=lambda: False):
                    refused.append((path, _link_reason(path)))
            elif is_audio_file(name, str(path), path.is_file):
                yield path


def _leads_inside(link: Path, real_root: Path) -> bool:
    # os.path.realpath, not Path.resolve: it does not raise on a symlink loop.
    return Path(os.path.realpath(link)).is_relative_to(real_root)


def _link_reason(link: Path) -> str:
    return (
        f"a symbolic link (to {os.path.realpath(link)}); SoulSpot imports only real files "
        "inside the import folder and never follows links"
    )


def claim(batch_id: int, *, resume: bool = False) -> bool:
    """Take a queued batch (or, with `resume`, a running one whose runner is gone).

    Resuming is a compare-and-swap on (runner, updated_at): if the runner was alive after all
    and wrote progress in between, the claim fails and the batch is never run twice.
    """
    now = timezone.now()
    mine = {"status": ImportBatch.Status.RUNNING, "runner": holder_id(), "updated_at": now}
    queued = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.QUEUED)
    if queued.update(started_at=now, **mine) == 1:
        return True
    if not resume:
        return False
    batch = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.RUNNING).first()
    if batch is None or not is_abandoned(batch, now):
        return False
    same = ImportBatch.objects.filter(
        pk=batch_id, status=batch.status, runner=batch.runner, updated_at=batch.updated_at
    )
    return same.update(**mine) == 1


def is_abandoned(batch: ImportBatch, now: datetime) -> bool:
    """Nobody runs this batch any more: its process is gone, or it has been silent too long.

    Our own process counts as gone: it runs one task at a time, so if it asks, the earlier run
    ended (an interrupted command, a task killed by the queue's timeout).
    """
    if batch.runner == holder_id() or holder_is_dead(batch.runner):
        return True
    return batch.updated_at < now - timedelta(minutes=STALE_MINUTES)


def run(batch: ImportBatch, progress: Progress | None = None) -> ImportBatch:
    """Import every file of a claimed batch; returns it with final counters."""
    root = Path(batch.path)
    keep = batch.keep_source and not paths.real(root).is_relative_to(library_paths.music_dir())
    unfinished = list(batch.items.exclude(state__in=ImportItem.FINAL_STATES).order_by("pk"))
    handled = set(batch.items.values_list("source_path", flat=True))
    refused: list[tuple[Path, str]] = []
    new_files = [p for p in audio_files(root, refused) if str(p) not in handled]
    refused = [(p, why) for p, why in refused if str(p) not in handled]
    _recount(batch)  # the items are the truth; counters of a run that died may lag behind
    batch.total = batch.done + len(unfinished) + len(new_files) + len(refused)
    _flush(batch)
    template = {
        "keep_source": keep,
        "root": root,
        "deep": batch.deep,
        "ladder": list(QualityProfile.get_default().ladder),
        "lookup": identify.Lookup(),
        "scheme": naming_scheme.templates(),
    }
    template["lookup"].plan_albums(
        [Path(item.source_path) for item in unfinished] + list(new_files)
    )
    reservations = Reservations()
    with landing.Lander() as lander:
        chunk = _Chunk(batch, progress, lander)
        for path, reason in refused:
            chunk.skip(ImportItem(batch=batch, source_path=str(path)), reason)
        for item in unfinished:
            chunk.add_unless_reserved(
                pipeline.Request(Path(item.source_path), item, **template), reservations
            )
        for path in new_files:
            item = ImportItem(batch=batch, source_path=str(path))  # saved when it has news
            chunk.add_unless_reserved(pipeline.Request(path, item, **template), reservations)
        chunk.land()
        chunk.counted(lander.drain())
    return finish(batch)


class _Chunk:
    """Prepared files waiting to land together (see `landing.land`).

    Files being prepared or landed together never share a track or a destination: a file
    that would is prepared again once the other has landed, so it sees it. Files that
    replace or move existing library files land on their own.
    """

    def __init__(
        self, batch: ImportBatch, progress: Progress | None, lander: landing.Lander
    ) -> None:
        self.batch, self.progress, self.lander = batch, progress, lander
        self.pending: list[landing.Prepared] = []

    def add(self, request: pipeline.Request) -> None:
        prepared = self._prepare(request)
        if isinstance(prepared, landing.Prepared) and self._clashes(prepared):
            if prepared.staged is not None:
                prepared.staged.unlink(missing_ok=True)
            self.land()
            self.counted(self.lander.drain())
            prepared = self._prepare(request)
        if isinstance(prepared, pipeline.Outcome):
            self._count(prepared.state)
        elif prepared.rivals or prepared.previous or prepared.resumed or not prepared.staged:
            self.land()
            self.counted(self.lander.drain())
            self.counted(landing.land([prepared], isolate=True))
        else:
            self.pending.append(prepared)
            if len(self.pending) >= CHUNK_SIZE:
                self.land()

    def add_unless_reserved(self, request: pipeline.Request, reservations: Reservations) -> None:
        """Add the file, unless a live download job is working on it: it is left in place
        for the job (issue 10, finding 13) and reported as skipped."""
        holder = reservations.holder(request.source)
        if holder is None:
            self.add(request)
        else:
            self.skip(request.item, f"belongs to {holder}; left in place for it")

    def skip(self, item: ImportItem, reason: str) -> None:
        """Record a file the batch leaves where it is, with the reason."""
        journal.save(item, state=State.SKIPPED, reason=reason[:1000])
        self._count(State.SKIPPED)

    def land(self) -> None:
        """Send the pending chunk on its way (and count the one that landed before it)."""
        pending, self.pending = self.pending, []
        if pending:
            self.counted(self.lander.start(pending))

    def counted(self, outcomes: list[pipeline.Outcome]) -> None:
        for outcome in outcomes:
            self._count(outcome.state)

    def _prepare(self, request: pipeline.Request) -> landing.Prepared | pipeline.Outcome:
        try:
            return pipeline.prepare(request)
        except FILE_ERRORS as exc:
            logger.exception("could not import %s", request.source)
            return pipeline.give_up(request.item, f"{type(exc).__name__}: {exc}")

    def _clashes(self, prepared: landing.Prepared) -> bool:
        return any(p.track.pk == prepared.track.pk or p.dest == prepared.dest for p in self.pending)

    def _count(self, state: str) -> None:
        _count(self.batch, state)
        if self.progress is not None:
            self.progress(self.batch)


def finish(batch: ImportBatch, error: str = "") -> ImportBatch:
    status = ImportBatch.Status.FAILED if error else ImportBatch.Status.COMPLETED
    now = timezone.now()
    _flush(batch)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=status, error=error, finished_at=now, updated_at=now
    )
    batch.refresh_from_db()
    return batch


def _count(batch: ImportBatch, state: str) -> None:
    counter = _COUNTER.get(state, "failed")
    setattr(batch, counter, getattr(batch, counter) + 1)
    batch.done += 1
    # Progress is written at most once a second: one UPDATE per file would cost more than the
    # file itself. A batch has a single runner (see `claim`), so plain values are safe.
    if time.monotonic() - getattr(batch, "_flushed_at", 0.0) >= PROGRESS_SECONDS:
        _flush(batch)


def _flush(batch: ImportBatch) -> None:
    batch._flushed_at = time.monotonic()
    ImportBatch.objects.filter(pk=batch.pk).update(
        total=batch.total,
        done=batch.done,
        imported=batch.imported,
        skipped=batch.skipped,
        failed=batch.failed,
        updated_at=timezone.now(),
    )


def _recount(batch: ImportBatch) -> None:
    counts = dict(
        batch.items.filter(state__in=ImportItem.FINAL_STATES)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    batch.imported = counts.get(State.IMPORTED, 0)
    batch.skipped = counts.get(State.SKIPPED, 0)
    batch.failed = counts.get(State.FAILED, 0) + counts.get(State.QUARANTINED, 0)
    batch.done = batch.imported + batch.skipped + batch.failed
