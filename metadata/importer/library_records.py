"""Library records of an import: the TrackFile and the owned track."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from django.utils import timezone

from library import playlists
from library.audio import AudioInfo
from library.models import Track, TrackFile
from library.scanner.reader import tag_score

logger = logging.getLogger(__name__)
_UPSERT_FIELDS = [
    "track",
    "size",
    "mtime",
    "sha256",
    "format",
    "bitrate",
    "sample_rate",
    "bit_depth",
    "duration_ms",
    "is_broken",
    "broken_reason",
    "is_missing",
    "last_scanned_at",
    "updated_at",
    "quality",
    "tag_score",
    "recycled_to",
]


def record_files(
    landed: list[tuple[Track, Path, AudioInfo, str, str | None]],
    *,
    previous: dict[Path, Path] | None = None,
) -> None:
    """Create or update the TrackFile of each (track, path, info, sha256, quality) in one
    upsert, and mark the tracks owned. `previous` maps a new path to the path a file had in
    the library before it was moved there (its row follows it)."""
    for dest, old in (previous or {}).items():
        if old != dest:
            _move_row(old, dest)
    now = timezone.now()
    rows = [
        _row(track, dest, info, sha, quality, now) for track, dest, info, sha, quality in landed
    ]
    TrackFile.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["path"], update_fields=_UPSERT_FIELDS
    )
    owned = [track.pk for track, *_ in landed if track.status != Track.Status.OWNED]
    if owned:
        Track.objects.filter(pk__in=owned).exclude(status=Track.Status.OWNED).update(
            status=Track.Status.OWNED, updated_at=now
        )
    # A file arrived: whatever backoff its earlier fruitless searches earned is over.
    Track.objects.filter(pk__in=[track.pk for track, *_ in landed]).reset_search_backoff()
    for track, *_ in landed:
        track.status = Track.Status.OWNED


def _row(
    track: Track, dest: Path, info: AudioInfo, sha: str, quality: str | None, now: datetime
) -> TrackFile:
    stat = dest.stat()
    return TrackFile(
        path=str(dest),
        track=track,
        size=stat.st_size,
        mtime=stat.st_mtime,
        sha256=sha,
        format=info.format,
        bitrate=info.bitrate,
        sample_rate=info.sample_rate,
        bit_depth=info.bit_depth,
        duration_ms=info.duration_ms,
        is_broken=False,
        broken_reason="",
        is_missing=False,
        last_scanned_at=now,
        created_at=now,
        updated_at=now,
        quality=quality or "",
        tag_score=tag_score(info.tags),
        recycled_to="",
    )


def _move_row(old: Path, dest: Path) -> None:
    moved = TrackFile.objects.filter(path=str(old))
    if TrackFile.objects.filter(path=str(dest)).exists():
        moved.delete()
    else:
        moved.update(path=str(dest))


def mark_owned(track: Track) -> None:
    if track.status == Track.Status.OWNED:
        return
    Track.objects.filter(pk=track.pk).exclude(status=Track.Status.OWNED).update(
        status=Track.Status.OWNED, updated_at=timezone.now()
    )
    track.status = Track.Status.OWNED


def forget_file(path: Path) -> None:
    """The file at `path` left the library (recycled): its row stays, marked missing, as the
    scanner keeps it, so the file's history is not lost."""
    forget_files([path])


def forget_files(file_paths: list[Path | str]) -> None:
    if file_paths:
        TrackFile.objects.filter(path__in=[str(p) for p in file_paths]).update(
            is_missing=True, updated_at=timezone.now()
        )


def refresh_playlists(track_ids: list[int]) -> None:
    """Rewrite the .m3u8 of playlists holding these tracks (call after the records committed)."""
    playlists.regenerate_for_tracks(track_ids)
