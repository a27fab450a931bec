"""Moving a catalogued file to the recycle bin: the only way SoulSpot removes a library file."""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone

from library import history
from library import paths as library_paths
from library.models import TrackFile
from library.safe_files import move_to_recycle


def recycle(file: TrackFile, reason: str) -> str:
    """Move `file` to the recycle bin (dated folder, library layout kept), mark it missing and
    record it in the history.

    Returns where it went ("" when it was already gone). An OSError (full disk, permission
    denied) propagates with the file left where it was and the catalogue untouched.
    """
    try:
        moved = move_to_recycle(
            Path(file.path),
            library_paths.recycle_dir(),
            reason,
            library_root=Path(library_paths.music_root()),
        )
    except FileNotFoundError:
        moved = None  # already gone: nothing to move, the catalogue just catches up
    recycled_to = str(moved or "")
    TrackFile.objects.filter(pk=file.pk).update(
        is_missing=True, recycled_to=recycled_to, updated_at=timezone.now()
    )
    if moved:
        history.record(
            history.Type.RECYCLED,
            f"Moved {file.path} to the recycle bin: {reason}",
            track=file.track_id,
            path=file.path,
            recycled_to=recycled_to,
            reason=reason,
        )
    return recycled_to
