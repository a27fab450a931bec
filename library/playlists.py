"""Playlists as `.m3u8` files in the music dir, so any player sees them.

Each playlist is written to `<playlist dir>/<name>.m3u8` (the music dir by default) with
paths relative to that folder, in playlist order, listing the tracks that have a file in the
library. Files are replaced atomically; only files this module wrote are ever replaced.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from django.db.models import Prefetch

from library import paths as library_paths
from library.models import Playlist, PlaylistEntry, TrackFile
from library.naming import sanitize_segment

logger = logging.getLogger(__name__)
HEADER = "#EXTM3U"
# The first lines of every file we write; a same-named file without it is the user's, not ours.
MARKER = "#SOULSPOT-PLAYLIST"


def playlist_path(playlist: Playlist) -> Path:
    """`<name>.m3u8`; playlists whose names clash get their id appended."""
    name = sanitize_segment(playlist.name, fallback=f"Playlist {playlist.pk}")
    clash = Playlist.objects.filter(name__iexact=playlist.name).exclude(pk=playlist.pk).exists()
    if clash:
        name = sanitize_segment(f"{playlist.name} ({playlist.pk})")
    return library_paths.playlist_dir() / f"{name}.m3u8"


def render_m3u8(playlist: Playlist, folder: Path) -> str:
    """The playlist as M3U8 text, paths relative to `folder` with forward slashes."""
    files = TrackFile.objects.present().order_by("-pk")
    entries = (
        PlaylistEntry.objects.filter(playlist=playlist)
        .select_related("track", "track__artist")
        .prefetch_related(Prefetch("track__files", queryset=files, to_attr="present_files"))
        .order_by("position")
    )
    lines = [HEADER, MARKER, f"#PLAYLIST:{_one_line(playlist.name)}"]
    for entry in entries:
        track = entry.track
        if not track.present_files:
            continue
        path = Path(track.present_files[0].path)
        seconds = round(track.duration_ms / 1000) if track.duration_ms else -1
        lines.append(f"#EXTINF:{seconds},{_one_line(track.credit)} - {_one_line(track.title)}")
        lines.append(Path(os.path.relpath(path, folder)).as_posix())
    return "\n".join(lines) + "\n"


def write_playlist(playlist: Playlist) -> Path | None:
    """(Re)write one playlist file; None when a file of the user's is in the way."""
    target = playlist_path(playlist)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and not _is_ours(target):
        logger.warning("not replacing %s: it was not written by SoulSpot", target)
        return None
    text = render_m3u8(playlist, target.parent)
    part = target.with_name(f".soulspot-tmp-{secrets.token_hex(8)}.m3u8")
    part.write_text(text, encoding="utf-8")
    os.replace(part, target)
    return target


def regenerate_for_tracks(track_ids: Iterable[int]) -> list[Path]:
    """Rewrite every playlist that contains one of these tracks."""
    ids = list(track_ids)
    if not ids:
        return []
    playlists = Playlist.objects.filter(entries__track_id__in=ids).distinct().order_by("pk")
    written = []
    for playlist in playlists:
        try:
            path = write_playlist(playlist)
        except OSError as exc:  # a full disk must not undo an import that already succeeded
            logger.warning("could not write playlist %s: %s", playlist, exc)
            continue
        if path is not None:
            written.append(path)
    return written


def _is_ours(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            head = [f.readline().strip() for _ in range(2)]
    except OSError:
        return False
    return MARKER in head


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
