"""Moving a catalogued file to the recycle bin: the only way SoulSpot removes a library file."""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone

from library import history, playlists
from library import paths as library_paths
from library.models import TrackFile
from library.naming.scheme import COVER_NAME
from library.safe_files import move_to_recycle, prune_empty_dirs


def recycle(file: TrackFile, reason: str) -> str:
    """Move `file` to the recycle bin (dated folder, library layout kept), mark it missing and
    record it in the history.

    Returns where it went ("" when it was already gone). An OSError (full disk, permission
    denied) propagates with the file left where it was and the catalogue untouched.
    """
    library_paths.ensure_managed(file.path)  # a symlink must not make us move an outside file
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
    if moved is not None:
        _tidy_after(Path(file.path), reason)
    if file.track_id:
        playlists.regenerate_for_tracks([file.track_id])  # another copy (or none) is listed now
    return recycled_to


def _tidy_after(path: Path, reason: str) -> None:
    """The file's own sidecar (synced lyrics) follows it; a folder left holding only its cover
    loses the cover too (to the recycle bin as well); then emptied folders are removed."""
    root = Path(library_paths.music_root())
    recycle_dir = library_paths.recycle_dir()
    lyrics = path.with_suffix(".lrc")
    if lyrics.is_file() and library_paths.is_managed(lyrics):
        move_to_recycle(lyrics, recycle_dir, reason, library_root=root)
    folder = path.parent
    try:
        left = [entry.name for entry in folder.iterdir()]
    except OSError:
        return
    if left == [COVER_NAME] and library_paths.is_managed(folder / COVER_NAME):
        move_to_recycle(folder / COVER_NAME, recycle_dir, "album folder emptied", library_root=root)
    prune_empty_dirs(folder, root)
