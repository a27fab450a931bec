"""Write one batch of reader results: catalogue links, TrackFile upserts, problems, counts.

Runs inside the engine's transaction. Files are upserted on their unique path, so a file the
importer catalogued a moment ago is updated rather than colliding with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from library import paths as library_paths
from library.models import LibraryScan, ScanProblem, TrackFile
from library.scanner import sql
from library.scanner.identity import identity_of
from library.scanner.linking import CatalogueLinker
from library.scanner.reader import FileReading
from library.scanner.walk import display_path
from library.tagging import TagSet

Kind = ScanProblem.Kind
# What a file's row is made of; on a path that is catalogued already, all but the first two
# columns are updated (the row keeps its id, created_at and duplicate group).
COLUMNS = [
    "path",
    "created_at",
    "track_id",
    "size",
    "mtime",
    "sha256",
    "format",
    "quality",
    "bitrate",
    "sample_rate",
    "bit_depth",
    "duration_ms",
    "is_broken",
    "broken_reason",
    "is_missing",
    "last_scanned_at",
    "tag_score",
    "recycled_to",
    "updated_at",
]


@dataclass
class BatchCounts:
    new: int = 0
    changed: int = 0
    removed: int = 0
    broken: int = 0
    problems: int = 0


class BatchWriter:
    """Writes reader results; problems are stored on `scan` (counted only when there is none)."""

    def __init__(self, scan: LibraryScan | None) -> None:
        self.scan_id = scan.pk if scan else None
        self.guess_root = library_paths.music_root()
        self.linker = CatalogueLinker()
        self.tool_missing_reported = False

    def reset(self) -> None:
        """Forget cached ids after a rolled-back attempt (they may not exist)."""
        self.linker = CatalogueLinker()

    def write(self, results: list[FileReading]) -> BatchCounts:
        counts = BatchCounts()
        problems: list[ScanProblem] = []
        old = {
            row["path"]: row
            for row in TrackFile.objects.filter(path__in=[r.path for r in results]).values(
                "pk", "path", "size", "sha256", "is_missing", "track_id"
            )
        }
        readable = [r for r in results if self._triage(r, problems)]
        counts.removed = self._mark_vanished(results, old)
        track_ids = self._link(readable, old)
        now = sql.db_datetime(timezone.now())
        rows = [_row(r, track_ids.get(r.path), now) for r in readable]
        sql.upsert(TrackFile, COLUMNS, rows, conflict="path", update=COLUMNS[2:])
        for result in readable:
            _count(counts, result, old.get(result.path))
        if self.scan_id:
            ScanProblem.objects.bulk_create(problems)
        counts.problems = len(problems)
        return counts

    def _triage(self, result: FileReading, problems: list[ScanProblem]) -> bool:
        """Record the result's problems; True when it is a file to catalogue."""
        path = result.path
        if result.vanished:
            problems.append(self._problem(Kind.VANISHED, path, "deleted or moved during the scan"))
            return False
        if result.error:
            problems.append(self._problem(Kind.UNREADABLE_FILE, path, result.error))
            return False
        if result.changed:
            detail = "it will be read again by the next scan"
            problems.append(self._problem(Kind.CHANGED, path, detail))
        if result.broken_reason:
            problems.append(self._problem(Kind.BROKEN_AUDIO, path, result.broken_reason))
        if result.tool_missing and not self.tool_missing_reported:
            self.tool_missing_reported = True
            problems.append(self._problem(Kind.TOOL_MISSING, path, result.tool_missing))
        return True

    def _problem(self, kind: str, path: str, detail: str) -> ScanProblem:
        return ScanProblem(
            scan_id=self.scan_id, kind=kind, path=display_path(path), detail=detail[:1000]
        )

    def _mark_vanished(self, results: list[FileReading], old: dict[str, dict]) -> int:
        vanished = [old.get(r.path) for r in results if r.vanished]
        gone = [row["pk"] for row in vanished if row and not row["is_missing"]]
        if not gone:
            return 0
        now = timezone.now()
        return TrackFile.objects.filter(pk__in=gone).update(is_missing=True, updated_at=now)

    def _link(self, readable: list[FileReading], old: dict[str, dict]) -> dict[str, int]:
        """Track id per path. A file without identifying tags keeps the track it had."""
        track_ids: dict[str, int] = {}
        idents = {}
        for result in readable:
            previous = old.get(result.path)
            if not _identifies(result.tags) and previous and previous["track_id"]:
                track_ids[result.path] = previous["track_id"]
            else:
                idents[result.path] = identity_of(result, self.guess_root)
        healthy = {r.path for r in readable if not r.broken_reason}
        track_ids.update(self.linker.link(idents, healthy))
        return track_ids


def _identifies(tags: TagSet) -> bool:
    """Do the tags name the recording (else the path layout would have to be guessed)?"""
    return bool(tags.title or tags.artist or tags.isrc or tags.musicbrainz_recording_id)


def _row(result: FileReading, track_id: int | None, now: Any) -> tuple:
    """One row of COLUMNS for a reader result."""
    return (
        result.path,
        now,
        track_id,
        result.size,
        result.mtime,
        result.sha256,
        result.format,
        result.quality,
        result.bitrate,
        result.sample_rate,
        result.bit_depth,
        result.duration_ms,
        bool(result.broken_reason),
        result.broken_reason[:500],
        False,
        now,
        result.tag_score,
        "",
        now,
    )


def _count(counts: BatchCounts, result: FileReading, previous: dict | None) -> None:
    if result.broken_reason:
        counts.broken += 1
    if previous is None or previous["is_missing"]:
        counts.new += 1
    elif previous["sha256"] and result.sha256:
        counts.changed += previous["sha256"] != result.sha256
    else:
        counts.changed += previous["size"] != result.size
