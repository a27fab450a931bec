"""Album covers: the `cover.jpg` SoulSpot keeps beside an album's audio files.

Only a cover inside the music folder (symlinks resolved) is ever served: a file path in the
database, or a symlink in the library, must not make SoulSpot hand out a file from elsewhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from library import paths
from library.models import TrackFile
from library.naming.scheme import COVER_NAME

MAX_FOLDERS = 20  # an album's files live in one or two folders; never stat hundreds


def cover_among(file_paths: Iterable[str]) -> Path | None:
    """The first `cover.jpg` beside one of these audio files that lies in the music folder."""
    root = paths.music_dir()
    folders = list(dict.fromkeys(str(Path(p).parent) for p in file_paths))[:MAX_FOLDERS]
    for folder in folders:
        candidate = Path(os.path.realpath(Path(folder) / COVER_NAME))
        if paths.is_inside(candidate, [root]) and candidate.is_file():
            return candidate
    return None


def album_cover(album_id: int) -> Path | None:
    """The album's cover file, if SoulSpot has one."""
    files = TrackFile.objects.filter(track__album_id=album_id, is_missing=False)
    return cover_among(files.order_by("pk").values_list("path", flat=True)[: MAX_FOLDERS * 5])
