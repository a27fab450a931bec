"""Compare what the walk found with what the catalogue knows: what to read, revive and mark gone.

This is the whole cost of a rescan where nothing changed: one query for the catalogued files
under the scan's folder and a dictionary lookup per file. Unchanged files (same size and
mtime) are never opened.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from library.models import LibraryScan, TrackFile
from library.scanner.walk import FoundFile, Problem, WalkResult


@dataclass
class Plan:
    total: int
    to_read: list[FoundFile] = field(default_factory=list)
    # Catalogued files marked missing that are back, unchanged: present again, nothing to read.
    revived: list[int] = field(default_factory=list)
    # Present files the walk did not find (never those under a folder it could not list).
    gone: list[int] = field(default_factory=list)
    # Set when the folder looks unmounted: then nothing is marked missing.
    not_mounted: Problem | None = None


def make_plan(scan: LibraryScan, walked: WalkResult) -> Plan:
    rows = TrackFile.objects.under(scan.path).values_list(
        "pk", "path", "size", "mtime", "is_missing", "last_scanned_at"
    )
    known = {row[1]: row for row in rows.iterator(chunk_size=10_000)}
    plan = Plan(total=len(walked.files))
    for found in walked.files:
        row = known.pop(found.path, None)
        if row is None or _needs_reading(scan, found, row):
            plan.to_read.append(found)
        elif row[4]:  # is_missing, yet here with the same size and mtime
            plan.revived.append(row[0])
    # What is left in `known` was not found on disk.
    blind = tuple(folder.rstrip("/") + "/" for folder in walked.unreadable)
    present = [row for path, row in known.items() if not row[4] and not path.startswith(blind)]
    if present and walked.root_empty:
        plan.not_mounted = Problem(
            "not_mounted",
            scan.path,
            f"the folder is empty but {len(present)} files are catalogued in it; nothing was "
            "marked missing (is the drive mounted?)",
        )
    else:
        plan.gone = [row[0] for row in present]
    return plan


def _needs_reading(scan: LibraryScan, found: FoundFile, row: tuple) -> bool:
    _, _, size, mtime, _, last_scanned_at = row
    if scan.full:
        # Resuming a full scan: files it already read were stamped after it started.
        return not (last_scanned_at and scan.started_at and last_scanned_at >= scan.started_at)
    return size != found.size or mtime != found.mtime
