"""Files follow the catalogue: after a chosen value changed, each file of the affected tracks
is re-tagged and, when the naming templates use the changed field, renamed.

A request is a `RetagRequest` row per track, written in the same transaction as the change and
worked off by a queued task (`library.tasks.retag_due`), so an edit answers at once and a
crash loses nothing. A file is re-tagged through a copy next to it: tags are written to the
copy, read back and checked, fsynced, and only then renamed over the original in one atomic
step. A failure leaves the original untouched and the request waiting for its next attempt.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from library import paths as library_paths
from library.models import Album, Artist, RetagRequest, Track, TrackFile
from library.naming import renamer
from library.provenance.tags import catalogue_tags, same_tags
from library.safe_files import TEMP_PREFIX, fsync_dir, fsync_file
from library.tagging import TaggingError, UnsupportedFormat, read_tags, write_tags
from soulspot.lib.queue import enqueue

logger = logging.getLogger(__name__)
TASK = "library.tasks.retag_due"
RETRY_MINUTES = [5, 30, 120, 720]  # then every 12 hours: a read-only share may come back
BATCH = 200


class RetagFailed(Exception):
    """A file could not be re-tagged; the original is unchanged."""


@dataclass
class RetagOutcome:
    tracks_done: int = 0
    files_written: int = 0
    files_renamed: int = 0
    failed: dict[int, str] = field(default_factory=dict)  # track id -> why

    def __str__(self) -> str:
        text = f"{self.tracks_done} tracks re-tagged, {self.files_written} files written"
        text += f", {self.files_renamed} renamed" if self.files_renamed else ""
        return text + (f", {len(self.failed)} failed" if self.failed else "")


def request_for(row: Track | Album | Artist, *, reason: str) -> int:
    """Ask for the files of `row`'s tracks to be re-tagged (after the current transaction
    commits); returns how many tracks with files that is."""
    track_ids = list(
        Track.objects.under(row)
        .filter(files__isnull=False, files__is_missing=False)
        .values_list("pk", flat=True)
        .distinct()
    )
    return request(track_ids, reason=reason)


def request(track_ids: list[int], *, reason: str) -> int:
    now = timezone.now()
    for track_id in track_ids:
        RetagRequest.objects.update_or_create(
            track_id=track_id,
            defaults={
                "requested_at": now,
                "next_attempt_at": now,
                "attempts": 0,
                "last_error": "",
                "reason": reason[:200],
            },
        )
    if track_ids:
        transaction.on_commit(lambda: enqueue(TASK))
    return len(track_ids)


def files_to_retag(row: Track | Album | Artist) -> int:
    """How many files a change of `row` would re-tag (the edit forms say so beforehand)."""
    tracks = Track.objects.under(row)
    return TrackFile.objects.present().filter(track__in=tracks).count()


def retag_due(limit: int = BATCH) -> RetagOutcome:
    """Work off due requests: re-tag, rename, and forget each track whose files all succeeded."""
    outcome = RetagOutcome()
    for request_row in RetagRequest.objects.due().select_related("track")[:limit]:
        started = request_row.requested_at
        try:
            written, renamed = retag_track(request_row.track)
        except RetagFailed as exc:
            _postpone(request_row, str(exc))
            outcome.failed[request_row.track_id] = str(exc)
            continue
        outcome.tracks_done += 1
        outcome.files_written += written
        outcome.files_renamed += renamed
        # A change made while we worked asked again (a later requested_at): keep that request.
        RetagRequest.objects.filter(pk=request_row.pk, requested_at=started).delete()
    return outcome


def retag_track(track: Track) -> tuple[int, int]:
    """Re-tag every present file of `track` and rename those the templates now place
    elsewhere; returns (files written, files renamed). Raises RetagFailed."""
    track = Track.objects.with_relations().get(pk=track.pk)
    files = list(TrackFile.objects.present().filter(track=track).order_by("pk"))
    written = 0
    for file in files:
        if retag_file(Path(file.path), track):
            written += 1
    plans = renamer.plan([f.pk for f in files], only_changed=True)
    done = renamer.apply(plans)
    problems = [p.problem for p in done if p.problem]
    if problems:
        raise RetagFailed(f"re-tagged, but not renamed: {problems[0]}")
    return written, sum(1 for p in done if p.changed)


def retag_file(path: Path, track: Track) -> bool:
    """Bring one file's tags in line with the catalogue; False when they already were.

    The write goes to a sibling copy which is read back and compared before it atomically
    replaces the original; the original is never half-written.
    """
    try:
        library_paths.ensure_managed(path)
        current = read_tags(path)
    except (TaggingError, OSError) as exc:
        raise RetagFailed(f"{path.name}: cannot read: {exc}") from exc
    wanted = catalogue_tags(track, current)
    if same_tags(current, wanted):
        return False
    copy = path.with_name(f"{TEMP_PREFIX}{secrets.token_hex(6)}{path.suffix}")
    try:
        shutil.copy2(path, copy)
        write_tags(copy, wanted, clear_missing=False)
        if not same_tags(read_tags(copy), wanted):
            raise RetagFailed(f"{path.name}: tags did not read back as written")
        fsync_file(copy)
        os.replace(copy, path)
        fsync_dir(path.parent)
    except UnsupportedFormat as exc:
        raise RetagFailed(f"{path.name}: {exc}") from exc
    except (TaggingError, OSError) as exc:
        raise RetagFailed(f"{path.name}: cannot write tags: {exc}") from exc
    finally:
        copy.unlink(missing_ok=True)
    return True


def _postpone(request_row: RetagRequest, error: str) -> None:
    attempts = request_row.attempts + 1
    wait = RETRY_MINUTES[min(attempts, len(RETRY_MINUTES)) - 1]
    logger.warning("re-tag of track %s failed: %s", request_row.track_id, error)
    RetagRequest.objects.filter(pk=request_row.pk).update(
        attempts=attempts,
        last_error=error[:2000],
        next_attempt_at=timezone.now() + timedelta(minutes=wait),
    )
