"""The admin's "re-tag" action: write the catalogue's view of a track into chosen files, the
same safe way the re-tag queue does (`library.provenance.retag.retag_file`: a checked copy
renamed over the original)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from library.models import TrackFile
from library.provenance.retag import RetagFailed, retag_file
from library.scanner.failures import FailedFile


@dataclass
class RetagResult:
    written: list[int] = field(default_factory=list)
    failed: list[FailedFile] = field(default_factory=list)


def retag_files(file_ids: list[int]) -> RetagResult:
    """Write tags into healthy, present, linked files; other tags in the files are kept."""
    result = RetagResult()
    files = (
        TrackFile.objects.healthy()
        .filter(pk__in=file_ids, track__isnull=False)
        .select_related("track__artist", "track__album__artist")
    )
    for file in files:
        try:
            retag_file(Path(file.path), file.track)
        except RetagFailed as exc:
            result.failed.append(FailedFile(file.pk, file.path, str(exc)))
        else:
            result.written.append(file.pk)
    return result
