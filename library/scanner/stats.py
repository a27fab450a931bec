"""Library figures for the API, the dashboard and the health pages: a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum

from library.models import (
    Album,
    AlbumCompleteness,
    Artist,
    DuplicateGroup,
    FieldConflict,
    LibraryScan,
    Track,
    TrackFile,
)


def library_stats() -> dict[str, Any]:
    """Counts, total size, format and quality distribution, health figures, last scan."""
    present = TrackFile.objects.present()
    files = present.aggregate(
        files=Count("pk"), total_size=Sum("size"), broken=Count("pk", filter=Q(is_broken=True))
    )
    return {
        "tracks": Track.objects.having_files(is_broken=False, is_missing=False).count(),
        "tracks_known": Track.objects.count(),
        "tracks_wanted": Track.objects.wanted().count(),
        "albums": Album.objects.count(),
        "artists": Artist.objects.count(),
        "files": files["files"],
        "total_size": files["total_size"] or 0,
        "formats": _distribution(present, "format"),
        "qualities": _distribution(present.filter(is_broken=False), "quality"),
        "broken": files["broken"],
        "missing": TrackFile.objects.filter(is_missing=True).count(),
        "duplicate_groups": DuplicateGroup.objects.open().count(),
        "duplicate_files": TrackFile.objects.present().in_open_duplicate_group().count(),
        "incomplete_albums": AlbumCompleteness.objects.incomplete().count(),
        "last_scan": _last_scan(),
    }


def dashboard_tiles() -> dict[str, Any]:
    """The few library figures the dashboard shows beside its own counts."""
    size = TrackFile.objects.present().aggregate(total=Sum("size"))["total"] or 0
    return {
        "library_size": size,
        "duplicate_groups": DuplicateGroup.objects.open().count(),
        "incomplete_albums": AlbumCompleteness.objects.incomplete().count(),
        "open_conflicts": FieldConflict.objects.open().count(),
    }


def _distribution(files: Any, field: str) -> dict[str, int]:
    rows = files.order_by().values_list(field).annotate(n=Count("pk"))
    return {key or "unknown": n for key, n in sorted(rows, key=lambda row: -row[1])}


def _last_scan() -> dict[str, Any] | None:
    scan = LibraryScan.objects.filter(status=LibraryScan.Status.COMPLETED).order_by("-finished_at")
    return scan.values("id", "path", "finished_at", "files_total").first()
