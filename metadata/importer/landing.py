"""The last leg of an import, for one file or a whole chunk of a batch at once:

1. journal: every prepared file is recorded as `staged` (its destination and SHA-256), in one
   query — from here on a crash is resumed rather than repeated;
2. disk: each sealed copy is flushed (fsync), linked into place by `safe_move`, and the source
   removed — pure file work, run on a few threads for a chunk so the fsync waits overlap;
3. records: TrackFile rows, owned tracks and the items' final state, written in bulk.

`resume` turns an item left `staged` by a crash back into a `Prepared` file, so a resumed
import takes exactly the same path. Steps reported to `crash_hook`: "import:staged",
`safe_move`'s own, "import:placed", "import:source_removed", "import:recorded".
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.db import connection
from django.utils import timezone

from library import history
from library import paths as library_paths
from library.audio import AudioInfo, read_audio
from library.models import Track
from library.safe_files import sha256_file
from library.tagging import TagSet
from metadata.importer import conflicts, gaps, library_records, paths, placement
from metadata.importer.enrich import Enrichment
from metadata.importer.journal import Outcome, Request, State, save
from metadata.models import ImportItem

logger = logging.getLogger(__name__)
DISK_THREADS = 6
# Per-file problems a batch records on the item and moves past (see `land(isolate=True)`).
FILE_ERRORS = (OSError,)


@dataclass
class Prepared:
    """A verified file, tagged into a private copy (`staged`), ready to go to `dest`."""

    req: Request
    track: Track
    info: AudioInfo
    dest: Path
    sha256: str
    staged: Path | None  # None: the file is already in place (re-tagged there)
    problem: str = ""
    new_track: bool = False  # created by this import: no job, file or playlist refers to it
    rivals: list[conflicts.Rival] = field(default_factory=list)  # worse files of the track
    resumed: bool = False  # already journalled by an earlier run
    previous: Path | None = None  # the source's own path when it was already in the library
    enrichment: Enrichment | None = None  # what the providers said (gaps are recorded on landing)
    # The tags written into the staged copy (None when writing failed or on resume, where
    # `info` was read from the tagged copy): the TrackFile's tag score comes from these.
    written: TagSet | None = None
    error: str = ""
    # Library files this one replaced, and where each went: their import records follow.
    replaced: list[tuple[str, str]] = field(default_factory=list)

    @property
    def quality(self) -> str | None:
        return conflicts.quality_of(self.info)

    def as_landed(self) -> AudioInfo:
        """The file as it is in the library: its stream, and the tags we wrote into it."""
        return replace(self.info, tags=self.written) if self.written else self.info


def land(batch: list[Prepared], *, isolate: bool = False) -> list[Outcome]:
    """Journal, move and record `batch` now; with `isolate`, an OSError fails only that file."""
    _journal(batch)
    for prepared in batch:
        _disk_guarded(prepared, isolate)
    return _outcomes(batch)


class Lander:
    """Lands a batch import chunk by chunk: while the disk work of one chunk runs on threads
    (mostly waiting for fsync), the caller prepares the next chunk. Database work stays on
    the caller's thread. Use as a context manager; `drain` before relying on the records."""

    def __init__(self, threads: int = DISK_THREADS) -> None:
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="import-disk")
        self._flight: list[Prepared] = []
        self._futures: list[Future] = []

    @property
    def in_flight(self) -> list[Prepared]:
        return self._flight

    def start(self, batch: list[Prepared]) -> list[Outcome]:
        """Land the previous chunk's records, then start `batch` on its way; returns the
        outcomes of the previous chunk."""
        done = self.drain()
        _journal(batch)
        self._flight = batch
        self._futures = [self._pool.submit(_disk_guarded, p, True) for p in batch]
        return done

    def drain(self) -> list[Outcome]:
        """Wait for the chunk in flight and write its records; returns its outcomes."""
        if not self._flight:
            return []
        for future in self._futures:
            future.result()
        batch, self._flight, self._futures = self._flight, [], []
        return _outcomes(batch)

    def __enter__(self) -> Lander:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._pool.shutdown(wait=True)  # never leave a move half-way behind us


def _outcomes(batch: list[Prepared]) -> list[Outcome]:
    return _record([p for p in batch if not p.error]) + [_failed(p) for p in batch if p.error]


def resume(req: Request) -> Prepared | None:
    """The staged import of `req.item` ready to land again; None when it must start over."""
    item = req.item
    dest, staged = Path(item.library_path), Path(item.staged_path)
    track = Track.objects.with_relations().filter(pk=item.track_id).first()
    ours = placement.is_ours(dest, item.sha256, staged)
    intact = not ours and staged.is_file() and sha256_file(staged) == item.sha256
    if track is None or not (ours or (intact and not os.path.lexists(dest))):
        _restart(req, staged, dest)
        return None
    info = read_audio(staged if staged.is_file() else dest)
    return Prepared(
        req=req,
        track=track,
        info=info,
        dest=dest,
        sha256=item.sha256,
        staged=staged,
        problem=item.reason,
        resumed=True,
    )


def same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


# --- 1. journal ---------------------------------------------------------------------------


def _journal(batch: list[Prepared]) -> None:
    fresh = [p for p in batch if p.staged is not None and not p.resumed]
    now = timezone.now()
    for prepared in fresh:
        item = prepared.req.item
        item.state, item.track, item.updated_at = State.STAGED, prepared.track, now
        item.staged_path, item.library_path = str(prepared.staged), str(prepared.dest)
        item.sha256, item.reason = prepared.sha256, prepared.problem[:1000]
    existing = [p.req.item for p in fresh if p.req.item.pk is not None]
    _insert([p.req.item for p in fresh if p.req.item.pk is None])
    for item in existing:  # rows from before: a download's, or a resumed batch's
        ImportItem.objects.filter(pk=item.pk).update(
            state=item.state,
            track=item.track,
            staged_path=item.staged_path,
            library_path=item.library_path,
            sha256=item.sha256,
            reason=item.reason,
            updated_at=now,
        )
    for prepared in fresh:
        prepared.req.step("import:staged")


# --- 2. disk ------------------------------------------------------------------------------


def _disk_guarded(prepared: Prepared, isolate: bool) -> None:
    try:
        _disk(prepared)
    except FILE_ERRORS as exc:
        if not isolate:
            raise
        logger.exception("could not move %s into the library", prepared.req.source)
        prepared.error = f"{type(exc).__name__}: {exc}"


def _disk(prepared: Prepared) -> None:
    req, dest = prepared.req, prepared.dest
    if prepared.staged is not None:
        if prepared.staged.exists():
            placement.flush(prepared.staged)  # durable before the source may go
        for rival in prepared.rivals:
            if rival.path == dest and rival.path.exists():  # a worse file holds the name
                why = f"replaced by a better file ({rival.label} before)"
                prepared.replaced.append((str(rival.path), str(placement.recycle(rival.path, why))))
        placement.link_into_place(prepared.staged, dest, prepared.sha256, req.crash_hook)
        req.step("import:placed")
    if not req.keep_source and req.source.exists() and not same_file(req.source, dest):
        placement.remove_source(req.source, _prune_root(req.source, req.root))
    req.step("import:source_removed")


# --- 3. records ---------------------------------------------------------------------------


def _record(batch: list[Prepared]) -> list[Outcome]:
    if not batch:
        return []
    for prepared in batch:
        if prepared.rivals or prepared.resumed:
            _retire_rivals(prepared)
    known = [p for p in batch if not p.new_track]
    # A folder import that brings a wanted track fulfils its want: the history says so (a
    # download's import is recorded by the download engine, which knows its job).
    arrivals = [
        history.Event(
            f"Imported {p.dest} from the folder import", p.track.pk, detail={"path": str(p.dest)}
        )
        for p in batch
        if p.req.item.batch_id is not None and p.track.status == Track.Status.WANTED
    ]
    library_records.record_files(
        [(p.track, p.dest, p.as_landed(), p.sha256, p.quality) for p in batch],
        previous={p.dest: p.previous for p in batch if p.previous},
    )
    history.record_many(history.Type.IMPORTED, arrivals)
    gaps.record_many([(p.track, p.enrichment) for p in batch if p.enrichment is not None])
    library_records.refresh_playlists([p.track.pk for p in known])
    for prepared in batch:
        prepared.req.step("import:recorded")
    outcomes = _conclude_all(batch)
    _mark_replaced(batch)
    return outcomes


def _mark_replaced(batch: list[Prepared]) -> None:
    """Earlier imports whose files these replaced say so, and where their file went: a record
    never points at a library path that now holds another file as if it were its own."""
    for prepared in batch:
        for old_path, moved_to in prepared.replaced:
            earlier = ImportItem.objects.filter(library_path=old_path, state=State.IMPORTED)
            earlier.exclude(pk=prepared.req.item.pk).filter(replaced_by__isnull=True).update(
                replaced_by=prepared.req.item, set_aside_path=moved_to[:4096]
            )


def _retire_rivals(prepared: Prepared) -> None:
    """Other files of the track go to the recycle bin (a worse file at `dest` already went)."""
    exclude = {str(prepared.dest), str(paths.real(prepared.req.source))}
    rows = conflicts.other_files(prepared.track, exclude=exclude)
    for row in rows:
        moved = placement.recycle(Path(row.path), f"replaced by a better file: {prepared.dest}")
        prepared.replaced.append((row.path, str(moved)))
    library_records.forget_files([row.path for row in rows])


def _conclude_all(batch: list[Prepared]) -> list[Outcome]:
    """Mark the batch imported. Journalled items already hold their path, track and reason,
    so one UPDATE does; files adopted in place were never journalled and are inserted."""
    now = timezone.now()
    for prepared in batch:
        item = prepared.req.item
        item.state, item.reason, item.updated_at = State.IMPORTED, prepared.problem[:1000], now
        item.library_path, item.track = str(prepared.dest), prepared.track
    journalled = [p.req.item.pk for p in batch if p.req.item.pk is not None]
    ImportItem.objects.filter(pk__in=journalled).update(state=State.IMPORTED, updated_at=now)
    _insert([p.req.item for p in batch if p.req.item.pk is None])
    return [Outcome(State.IMPORTED, p.problem, str(p.dest)) for p in batch]


def _insert(items: list[ImportItem]) -> None:
    """Insert journal rows, keeping their ids (needed to update them after the move)."""
    if connection.features.can_return_rows_from_bulk_insert:
        ImportItem.objects.bulk_create(items)
    else:  # old SQLite without RETURNING: ids would not come back from a bulk insert
        for item in items:
            item.save()


def _failed(prepared: Prepared) -> Outcome:
    save(prepared.req.item, state=State.FAILED, reason=prepared.error[:1000])
    return Outcome(State.FAILED, prepared.error)


def _restart(req: Request, staged: Path, dest: Path) -> None:
    if staged.is_file() and not same_file(staged, dest):
        staged.unlink()  # our private copy; the source is still where it was
    save(req.item, state=State.STARTED, staged_path="", library_path="", sha256="")


def _prune_root(source: Path, root: Path | None) -> Path | None:
    """The folder up to which emptied source folders are removed (never the folder itself)."""
    source = paths.real(source)
    for candidate in (root, library_paths.downloads_dir(), library_paths.music_dir()):
        if candidate is not None and source.is_relative_to(Path(candidate).resolve()):
            return Path(candidate).resolve()
    return None
