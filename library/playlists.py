"""Playlists as `.m3u8` files in the playlist dir (the music dir by default), so any player
sees them, kept in step with the `Playlist` rows by the services here.

Each playlist is written to `<playlist dir>/<name>.m3u8` with paths relative to that folder,
in playlist order, listing the tracks that have a healthy file. Files are replaced atomically;
only files carrying our marker are ever replaced or removed, never a user's own. The file a
playlist last got is remembered (`Playlist.file_name`), so a rename removes the old file and a
delete removes the playlist's file.

The catalogue calls `regenerate_for_tracks` (or `regenerate_for_files`) whenever a track's file
lands, moves, is replaced, breaks, goes missing or comes back.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from django.db import connection, models, transaction
from django.utils import timezone

from library import paths as library_paths
from library.models import Playlist, PlaylistEntry, Track, TrackFile
from library.naming import sanitize_segment
from soulspot.lib.errors import Invalid, NotFound

logger = logging.getLogger(__name__)
HEADER = "#EXTM3U"
# The first lines of every file we write; a same-named file without it is the user's, not ours.
MARKER = "#SOULSPOT-PLAYLIST"
EXTENSION = ".m3u8"
MAX_NAME = Playlist._meta.get_field("name").max_length


class PlaylistError(Invalid):
    """A playlist change that breaks a rule (422): an empty or over-long name."""


# --- the file -----------------------------------------------------------------------------


def playlist_path(playlist: Playlist) -> Path:
    """`<name>.m3u8`; a playlist whose name (or file name) another playlist has gets its id
    appended, so two playlists never write one file."""
    name = sanitize_segment(playlist.name, extension=EXTENSION, fallback=f"Playlist {playlist.pk}")
    others = Playlist.objects.exclude(pk=playlist.pk)
    if others.filter(models.Q(name__iexact=playlist.name) | models.Q(file_name__iexact=name)):
        name = sanitize_segment(f"{playlist.name} ({playlist.pk})", extension=EXTENSION)
    return library_paths.playlist_dir() / name


def current_file(playlist: Playlist) -> Path | None:
    """The file SoulSpot last wrote for this playlist (None when it never wrote one)."""
    name = playlist.file_name
    if not name or Path(name).name != name or name in {".", ".."}:
        return None  # only a bare file name inside the playlist dir is ever ours to touch
    return library_paths.playlist_dir() / name


def render_m3u8(playlist: Playlist, folder: Path) -> str:
    """The playlist as M3U8 text, paths relative to `folder` with forward slashes; tracks
    without a healthy file are left out. One query however long the playlist is."""
    newest = TrackFile.objects.healthy().filter(track=models.OuterRef("track")).order_by("-pk")
    entries = (
        PlaylistEntry.objects.filter(playlist=playlist)
        .select_related("track", "track__artist")
        .annotate(file_path=models.Subquery(newest.values("path")[:1]))
        .filter(file_path__isnull=False)
        .order_by("position")
    )
    lines = [HEADER, MARKER, f"#PLAYLIST:{_one_line(playlist.name)}"]
    for entry in entries.iterator(chunk_size=2000):
        track = entry.track
        seconds = round(track.duration_ms / 1000) if track.duration_ms else -1
        lines.append(f"#EXTINF:{seconds},{_one_line(track.credit)} - {_one_line(track.title)}")
        lines.append(Path(os.path.relpath(entry.file_path, folder)).as_posix())
    return "\n".join(lines) + "\n"


def write_playlist(playlist: Playlist) -> Path | None:
    """(Re)write one playlist file; None when a file of the user's is in the way.

    When the name changed since the last write, the old file goes (if it is still ours)."""
    target = playlist_path(playlist)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and not _is_ours(target):
        logger.warning("not replacing %s: it was not written by SoulSpot", target)
        return None
    text = render_m3u8(playlist, target.parent)
    part = target.with_name(f".soulspot-tmp-{secrets.token_hex(8)}{EXTENSION}")
    part.write_text(text, encoding="utf-8")
    os.replace(part, target)
    old = current_file(playlist)
    if playlist.file_name != target.name:
        Playlist.objects.filter(pk=playlist.pk).update(file_name=target.name)
        playlist.file_name = target.name
    if old is not None and old.name != target.name:
        _remove_ours(old, keep=target)
    return target


def regenerate_for_tracks(track_ids: Iterable[int]) -> list[Path]:
    """Rewrite every playlist that contains one of these tracks (their files landed, moved,
    were replaced or went). Call it once the change is committed."""
    ids = list(track_ids)
    if not ids:
        return []
    return _rewrite(Playlist.objects.filter(entries__track_id__in=ids))


def regenerate_for_files(files: models.QuerySet) -> list[Path]:
    """Rewrite every playlist holding a track of one of `files` (a TrackFile query: no list
    of ids, so a whole library's scan costs one query to find them)."""
    track_ids = files.filter(track__isnull=False).values("track_id")
    return _rewrite(Playlist.objects.filter(entries__track_id__in=track_ids))


def _rewrite(playlists: models.QuerySet) -> list[Path]:
    written = []
    for playlist in playlists.distinct().order_by("pk"):
        path = _write_quietly(playlist)
        if path is not None:
            written.append(path)
    return written


def _write_quietly(playlist: Playlist) -> Path | None:
    try:
        return write_playlist(playlist)
    except OSError as exc:  # a full disk must not undo an import or a save that succeeded
        logger.warning("could not write playlist %s: %s", playlist, exc)
        return None


def _write_later(playlist_id: int) -> None:
    """After the commit: the row may be gone already (deleted in the same breath)."""
    playlist = Playlist.objects.filter(pk=playlist_id).first()
    if playlist is not None:
        _write_quietly(playlist)


def schedule_write(playlist: Playlist) -> None:
    """Write the playlist's file once the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(_write_later, playlist.pk))


# --- services -----------------------------------------------------------------------------


def set_playlist_entries(playlist: Playlist, track_ids: list[int]) -> None:
    """Replace the playlist's entries with these tracks in this order (positions 1..n; a track
    may appear more than once, as on Spotify), then rewrite its file after the commit.

    Three statements however long the list is (10,000 entries included); an unknown track id
    is refused (NotFound) and the entries are left as they were.
    """
    ids = [int(pk) for pk in track_ids]
    with transaction.atomic():
        missing = _unknown_tracks(ids)
        if missing:
            raise NotFound(f"no track #{missing}: the playlist was not changed")
        PlaylistEntry.objects.filter(playlist=playlist).delete()
        _insert_entries(playlist.pk, ids)
        Playlist.objects.filter(pk=playlist.pk).update(updated_at=timezone.now())
        schedule_write(playlist)


def rename_playlist(playlist: Playlist, name: str) -> Playlist:
    """Give the playlist a new name; its file follows (the new one is written, then the old
    one removed if it is ours). Refuses an empty or over-long name."""
    name = " ".join(str(name).split())
    if not name or len(name) > MAX_NAME:
        raise PlaylistError(f"a playlist name has 1 to {MAX_NAME} characters")
    with transaction.atomic():
        if not playlist.file_name:
            _adopt_file(playlist)
        playlist.name = name
        playlist.save(update_fields=["name", "file_name", "updated_at"])
        schedule_write(playlist)
    return playlist


def delete_playlist(playlist: Playlist) -> None:
    """Delete the playlist and, once that is committed, its file if it is ours (the tracks
    stay in the library; a user's file of the same name stays too)."""
    path = current_file(playlist) or playlist_path(playlist)
    with transaction.atomic():
        playlist.delete()
        transaction.on_commit(partial(_remove_ours, path))


def _adopt_file(playlist: Playlist) -> None:
    """A playlist written before file names were remembered: its file is the one its name
    gives, if we wrote it."""
    path = playlist_path(playlist)
    if path.is_file() and _is_ours(path):
        playlist.file_name = path.name


def _remove_ours(path: Path, keep: Path | None = None) -> None:
    try:
        if keep is not None and keep.exists() and os.path.samefile(path, keep):
            return  # a case-insensitive folder: the "old" name is the file just written
        if path.is_file() and _is_ours(path):
            path.unlink()
    except OSError as exc:
        logger.warning("could not remove old playlist file %s: %s", path, exc)


# --- helpers ------------------------------------------------------------------------------


def _ids_table(ids: list[int]) -> tuple[str, list]:
    """A subquery of (ord, id) rows from one JSON parameter: no statement grows with the list
    (SQLite caps a statement's variables; a list of 10,000 would need many)."""
    text = "[" + ",".join(str(pk) for pk in ids) + "]"
    if connection.vendor == "postgresql":
        sql = (
            "SELECT j.ord AS ord, j.value::bigint AS id "
            "FROM jsonb_array_elements_text(%s::jsonb) WITH ORDINALITY AS j(value, ord)"
        )
    else:
        sql = "SELECT j.key + 1 AS ord, CAST(j.value AS INTEGER) AS id FROM json_each(%s) AS j"
    return sql, [text]


def _unknown_tracks(ids: list[int]) -> int | None:
    """The first id that names no track, or None."""
    if not ids:
        return None
    table, params = _ids_table(ids)
    quote = connection.ops.quote_name
    tracks = quote(Track._meta.db_table)
    sql = (
        f"SELECT t.id FROM ({table}) AS t WHERE NOT EXISTS "
        f"(SELECT 1 FROM {tracks} WHERE {tracks}.{quote('id')} = t.id) ORDER BY t.ord LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def _insert_entries(playlist_id: int, ids: list[int]) -> None:
    if not ids:
        return
    table, params = _ids_table(ids)
    quote = connection.ops.quote_name
    columns = ", ".join(map(quote, ["playlist_id", "track_id", "position", "added_at"]))
    sql = (
        f"INSERT INTO {quote(PlaylistEntry._meta.db_table)} ({columns}) "
        f"SELECT %s, t.id, t.ord, %s FROM ({table}) AS t"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [playlist_id, now, *params])


def _is_ours(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            head = [f.readline().strip() for _ in range(2)]
    except OSError:
        return False
    return MARKER in head


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
