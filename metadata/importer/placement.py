"""Disk work of an import: a tagged copy is staged, sealed (fsync + SHA-256), then linked into
the library by `safe_move`; sidecars are written beside it; losers go to the recycle bin.

The download itself is never modified: tags are written to the staged copy, so a crash while
mutagen rewrites a file can only ever damage a copy.
"""

from __future__ import annotations

import errno
import hashlib
import os
import secrets
import shutil
from pathlib import Path

from library import paths as library_paths
from library.safe_files import (
    TEMP_PREFIX,
    CrashHook,
    DestinationExists,
    fsync_dir,
    fsync_file,
    move_to_quarantine,
    move_to_recycle,
    prune_empty_dirs,
    safe_move,
    sha256_file,
)
from library.tagging import TagSet, UnsupportedFormat, write_tags

# Filesystems without hard links (some network shares, FAT) answer with one of these.
_NO_HARDLINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.EXDEV}


def stage(source: Path, extension: str, folder: Path | None = None) -> Path:
    """A private copy of `source` to tag (in the staging folder unless `folder` is given)."""
    folder = folder or library_paths.staging_dir()
    folder.mkdir(parents=True, exist_ok=True)
    staged = folder / f"{TEMP_PREFIX}{secrets.token_hex(8)}{extension}"
    shutil.copyfile(source, staged)
    return staged


def write_file_tags(staged: Path, tags: TagSet, cover: bytes | None, lyrics: str | None) -> str:
    """Tag the staged copy; returns "" or why tags could not be written (e.g. WMA)."""
    try:
        write_tags(staged, tags, cover=cover, lyrics=lyrics)
    except UnsupportedFormat as exc:
        return f"tags not written: {exc}"
    return ""


def digest(staged: Path) -> str:
    """SHA-256 of the tagged copy: what the library will hold, and how a re-run knows it."""
    with staged.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def flush(staged: Path) -> None:
    """fsync the tagged copy. This is what allows deleting the source later: after it, the
    library's bytes survive a crash."""
    fsync_file(staged)


def link_into_place(staged: Path, dest: Path, sha256: str, hook: CrashHook | None) -> None:
    """Move the sealed copy to `dest` (never overwriting); finishes an interrupted attempt."""
    library_paths.ensure_managed(dest)
    try:
        safe_move(staged, dest, crash_hook=hook)
    except DestinationExists:
        if not is_ours(dest, sha256, staged):
            raise
        staged.unlink(missing_ok=True)  # an earlier attempt had already put it in place
        fsync_dir(staged.parent)


def is_ours(dest: Path, sha256: str, staged: Path | None = None) -> bool:
    """Is the file at `dest` the copy this import staged (same inode, or same bytes)?"""
    if not dest.is_file():
        return False
    if staged is not None and staged.exists() and os.path.samefile(staged, dest):
        return True
    return bool(sha256) and sha256_file(dest) == sha256


def rewrite(path: Path, tags: TagSet, cover: bytes | None, lyrics: str | None) -> tuple[str, str]:
    """Re-tag a library file atomically: tag a copy beside it, then rename it over the file.

    The audio does not change, so replacing the file loses nothing; a crash leaves either the
    old or the new version. Returns (SHA-256, tag problem or "").
    """
    staged = stage(path, path.suffix, folder=path.parent)
    try:
        problem = write_file_tags(staged, tags, cover, lyrics)
        sha = digest(staged)
        flush(staged)
        os.replace(staged, path)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
    return sha, problem


def write_sidecar(path: Path, data: bytes) -> bool:
    """Create `path` (cover.jpg, .lrc) with `data` unless something is there already."""
    if os.path.lexists(path):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f"{TEMP_PREFIX}{secrets.token_hex(8)}.part")
    with part.open("xb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    try:
        return _publish(part, path)
    finally:
        part.unlink(missing_ok=True)


def _publish(part: Path, path: Path) -> bool:
    """Give `part` the name `path` unless taken (hard link; rename where links are missing)."""
    try:
        os.link(part, path)
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in _NO_HARDLINKS or os.path.lexists(path):
            raise
        os.rename(part, path)
    fsync_dir(path.parent)
    return True


def recycle(path: Path, reason: str) -> Path:
    """Put a file that lost to a better one in the recycle bin (library layout kept).

    A file named inside the library must really be there: a symlink in the library never
    makes SoulSpot move the file it points to. (An import's own source, outside the library,
    comes from a walk that never takes symlinks.)
    """
    if Path(os.path.abspath(path)).is_relative_to(library_paths.music_root()):
        library_paths.ensure_managed(path)
    return move_to_recycle(
        path, library_paths.recycle_dir(), reason, library_root=library_paths.music_dir()
    )


def quarantine(path: Path, reason: str) -> Path:
    return move_to_quarantine(path, library_paths.quarantine_dir(), reason)


def remove_source(source: Path, prune_up_to: Path | None) -> None:
    """Delete a source whose bytes are now safely in the library; tidy emptied folders.

    No fsync: if a crash forgets the deletion, the file merely comes back (a duplicate that
    the next import skips), nothing is lost.
    """
    source.unlink(missing_ok=True)
    if prune_up_to is not None:
        prune_empty_dirs(source.parent.resolve(), prune_up_to)
