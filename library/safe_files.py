"""Moving music files without ever losing or overwriting one, even across a crash.

`safe_move` writes a small journal next to the destination before it starts, so
`recover_incomplete_moves` (or simply re-running the same move) can finish or undo whatever a
crash interrupted. At every instant either the source or a verified destination exists.

Same filesystem: hard-link source -> destination (atomic, fails if the destination exists),
then unlink the source. Otherwise: copy to a temporary file beside the destination, fsync,
verify size and SHA-256, link it into place (again never overwriting), then delete the source.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

TEMP_PREFIX = ".soulspot-tmp-"
_CHUNK = 1024 * 1024
_NO_HARDLINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.EXDEV}
_UNIQUE_ATTEMPTS = 1000

CrashHook = Callable[[str], None]


class DestinationExists(FileExistsError):
    """The destination is taken; SoulSpot never overwrites a file."""


class MoveVerificationFailed(OSError):
    """The copy does not match the source (size or SHA-256); the source was left alone."""


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def is_temp_file(path: Path) -> bool:
    """True for safe_move's temporary and journal files (scanners must skip them)."""
    return Path(path).name.startswith(TEMP_PREFIX)


def safe_move(
    src: Path,
    dest: Path,
    *,
    keep_source: bool = False,
    crash_hook: CrashHook | None = None,
    allow_link: bool = True,
) -> Path:
    """Move (or with `keep_source`, copy) `src` to `dest` and return `dest`.

    Never overwrites: raises DestinationExists. `crash_hook(step)` runs after each step
    ("copied", "verified", "renamed", "source_removed") so tests can simulate a crash there.
    Re-running a move that crashed finishes it. `allow_link=False` forces the copy path.
    """
    src, dest = Path(src).absolute(), Path(dest).absolute()
    hook = crash_hook or (lambda step: None)
    if _resume_previous(src, dest):
        return dest
    if os.path.lexists(dest):
        raise DestinationExists(f"{dest} already exists")
    if not src.is_file():
        raise FileNotFoundError(f"source file not found: {src}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    journal = dest.parent / f"{TEMP_PREFIX}{secrets.token_hex(8)}.json"
    same_fs = src.stat().st_dev == dest.parent.stat().st_dev
    if allow_link and same_fs and not keep_source and _link_move(src, dest, journal, hook):
        return dest
    _copy_move(src, dest, journal, keep_source, hook)
    return dest


def recover_incomplete_moves(root: Path, *, older_than: float = 0) -> list[str]:
    """Finish or undo moves a crash interrupted anywhere under `root`; returns what was done.

    A temporary copy is deleted only while its source still exists; a verified copy whose
    source is gone is put in place instead. Nothing unverifiable is ever deleted. Journals
    written less than `older_than` seconds ago are left alone: their move may still be running.
    """
    actions = []
    for half_written in _leftovers(root, "*.json-new", older_than):
        half_written.unlink(missing_ok=True)  # an update that never landed; the old journal rules
        actions.append(f"removed unfinished journal {half_written}")
    for journal in sorted(_leftovers(root, "*.json", older_than)):
        actions.append(_recover(journal)[1])
    return actions


def set_aside_orphan_copies(root: Path, recycle_root: Path, *, older_than: float) -> list[Path]:
    """Move temporary copies that lost their journal into the recycle bin; returns them.

    Such a copy cannot be verified, and its source may be gone, so it could hold the only copy
    of a song: it is set aside where the user can look, never deleted.
    """
    moved = []
    for part in _leftovers(root, "*.part", older_than):
        if not part.with_suffix(".json").exists():
            reason = "temporary copy of an interrupted move, without its journal"
            moved.append(move_to_recycle(part, recycle_root, reason, library_root=Path(root)))
    return moved


def _leftovers(root: Path, pattern: str, older_than: float) -> list[Path]:
    """safe_move's files under `root` matching `pattern`, last written over `older_than` s ago."""
    if not Path(root).is_dir():
        return []
    cutoff = time.time() - older_than
    found = []
    for path in Path(root).rglob(f"{TEMP_PREFIX}{pattern}"):
        with contextlib.suppress(FileNotFoundError):  # finished meanwhile
            if older_than <= 0 or path.lstat().st_mtime < cutoff:
                found.append(path)
    return found


def move_to_recycle(
    path: Path, recycle_root: Path, reason: str, *, library_root: Path | None = None
) -> Path:
    """Move a file into the recycle bin (dated folder, library structure kept); returns it."""
    return _move_aside(path, Path(recycle_root), reason, library_root)


def move_to_quarantine(
    path: Path, quarantine_root: Path, reason: str, *, library_root: Path | None = None
) -> Path:
    """Move a suspicious or broken file into quarantine; returns its new path."""
    return _move_aside(path, Path(quarantine_root), reason, library_root)


# --- moving -----------------------------------------------------------------------------------


def _link_move(src: Path, dest: Path, journal: Path, hook: CrashHook) -> bool:
    """Same-filesystem move by hard link; False when the filesystem has no hard links."""
    _write_journal(journal, {"mode": "link", "src": str(src), "dest": str(dest)})
    try:
        os.link(src, dest)  # atomic and refuses an existing destination
    except FileExistsError:
        journal.unlink()
        raise DestinationExists(f"{dest} already exists") from None
    except OSError as exc:
        journal.unlink()
        if exc.errno in _NO_HARDLINKS:
            return False
        raise
    fsync_dir(dest.parent)
    hook("renamed")
    _remove_source(src)
    hook("source_removed")
    journal.unlink()
    return True


def _copy_move(src: Path, dest: Path, journal: Path, keep_source: bool, hook: CrashHook) -> None:
    part = journal.with_suffix(".part")
    record = {"mode": "copy", "src": str(src), "dest": str(dest), "keep_source": keep_source}
    _write_journal(journal, record)
    try:
        digest, size = _copy_hashing(src, part)
    except BaseException:
        _discard(part, journal)
        raise
    hook("copied")
    if part.stat().st_size != size or sha256_file(part) != digest or src.stat().st_size != size:
        _discard(part, journal)
        raise MoveVerificationFailed(f"copy of {src} does not match the source")
    _write_journal(journal, {**record, "sha256": digest, "size": size})
    hook("verified")
    try:
        _publish(part, dest)
    except DestinationExists:
        _discard(part, journal)
        raise
    hook("renamed")
    if not keep_source:
        _remove_source(src)
    hook("source_removed")
    journal.unlink()


def _copy_hashing(src: Path, part: Path) -> tuple[str, int]:
    """Copy src to part (exclusive create), hashing the source bytes as they are read."""
    digest, size = hashlib.sha256(), 0
    with src.open("rb") as reader, part.open("xb") as writer:
        while chunk := reader.read(_CHUNK):
            digest.update(chunk)
            writer.write(chunk)
            size += len(chunk)
        writer.flush()
        os.fsync(writer.fileno())
    fsync_dir(part.parent)
    return digest.hexdigest(), size


def _publish(part: Path, dest: Path) -> None:
    """Give the verified temporary file its final name without ever overwriting."""
    try:
        os.link(part, dest)
    except FileExistsError:
        raise DestinationExists(f"{dest} already exists") from None
    except OSError as exc:
        if exc.errno not in _NO_HARDLINKS:
            raise
        # No hard links (some network/FAT filesystems): rename, after a last-moment check.
        if os.path.lexists(dest):
            raise DestinationExists(f"{dest} already exists") from None
        os.rename(part, dest)
    else:
        part.unlink()
    fsync_dir(dest.parent)


def _remove_source(src: Path) -> None:
    src.unlink()
    fsync_dir(src.parent)


# --- recovery ---------------------------------------------------------------------------------


def _resume_previous(src: Path, dest: Path) -> bool:
    """Recover earlier attempts of this same move; True if one of them completed it."""
    if not dest.parent.is_dir():
        return False
    completed = False
    for journal in dest.parent.glob(f"{TEMP_PREFIX}*.json"):
        record = _read_journal(journal)
        if record and record["src"] == str(src) and record["dest"] == str(dest):
            completed |= _recover(journal)[0] == _DONE
    return completed and dest.exists()


# Recovery outcomes: the move was finished, nothing needed doing, or a file had to be kept.
_DONE, _NOTHING, _KEPT = "done", "nothing", "kept"


def _recover(journal: Path) -> tuple[str, str]:
    """(outcome, human message) for one journal; the journal goes unless something was kept."""
    record = _read_journal(journal)
    if record is None:
        return _KEPT, f"kept unreadable journal {journal}"
    src, dest = Path(record["src"]), Path(record["dest"])
    if record["mode"] == "link":
        outcome = _recover_link(src, dest)
    else:
        outcome = _recover_copy(src, dest, journal.with_suffix(".part"), record)
    if outcome[0] != _KEPT:
        journal.unlink()
    return outcome


def _recover_link(src: Path, dest: Path) -> tuple[str, str]:
    if src.exists() and dest.exists() and os.path.samefile(src, dest):
        _remove_source(src)  # crashed between link and unlink: both names point to one file
        return _DONE, f"completed move of {src} to {dest}"
    if dest.exists() and not src.exists():
        return _DONE, f"move of {src} to {dest} had already completed"
    return _NOTHING, f"nothing to finish for {src} (never linked)"


def _recover_copy(src: Path, dest: Path, part: Path, record: dict) -> tuple[str, str]:
    digest = record.get("sha256")
    if digest and dest.exists() and sha256_file(dest) == digest:
        part.unlink(missing_ok=True)
        if src.exists() and not record.get("keep_source") and sha256_file(src) == digest:
            _remove_source(src)
        return _DONE, f"completed move of {src} to {dest}"
    if not part.exists():
        return _NOTHING, f"nothing to finish for {src} (no copy was made)"
    if src.exists():
        part.unlink()  # the source is intact, so the partial copy is just garbage
        return _NOTHING, f"removed temporary copy of {src}"
    if digest and not os.path.lexists(dest) and sha256_file(part) == digest:
        _publish(part, dest)
        return _DONE, f"completed move of {src} to {dest} from the verified copy"
    return _KEPT, f"kept {part}: its source {src} is gone and it cannot be verified"


def _write_journal(journal: Path, record: dict) -> None:
    """Write atomically (temp + replace) so a crash never leaves half a journal."""
    tmp = journal.with_suffix(".json-new")
    with tmp.open("w", encoding="utf-8") as f:
        json.dump(record, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, journal)
    fsync_dir(journal.parent)


def _read_journal(journal: Path) -> dict | None:
    try:
        record = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and {"mode", "src", "dest"} <= record.keys() else None


def _discard(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def fsync_file(path: Path) -> None:
    """Flush a file's bytes to disk: after it, they survive a crash."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(directory: Path) -> None:
    """Make a rename/link/unlink durable; a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def prune_empty_dirs(start: Path, stop_at: Path) -> None:
    """Remove `start` and its parents while they are empty, never `stop_at` or above it."""
    stop = stop_at.absolute()
    current = start.absolute()
    while current != stop and current.is_relative_to(stop):
        try:
            current.rmdir()  # fails (and we stop) when the folder is not empty
        except OSError:
            return
        current = current.parent


# --- recycle bin and quarantine ---------------------------------------------------------------


def _move_aside(path: Path, root: Path, reason: str, library_root: Path | None) -> Path:
    path = Path(path).absolute()
    folder = root / datetime.now(UTC).strftime("%Y-%m-%d")
    relative = Path(path.name)
    if library_root is not None and path.is_relative_to(Path(library_root).absolute()):
        relative = path.relative_to(Path(library_root).absolute())
    for _ in range(_UNIQUE_ATTEMPTS):
        dest = _free_name(folder / relative)
        try:
            moved = safe_move(path, dest)
        except DestinationExists:
            continue  # someone took the name between our check and the move
        _write_reason(moved, path, reason)
        return moved
    raise DestinationExists(f"no free name for {path.name} in {folder}")


def _free_name(dest: Path) -> Path:
    """`dest`, or "name (1).ext", "name (2).ext"... whichever (with its sidecar) is free."""
    candidate, number = dest, 0
    while os.path.lexists(candidate) or os.path.lexists(_reason_path(candidate)):
        number += 1
        candidate = dest.with_name(f"{dest.stem} ({number}){dest.suffix}")
    return candidate


def _reason_path(path: Path) -> Path:
    return path.with_name(path.name + ".reason.txt")


def _write_reason(moved: Path, original: Path, reason: str) -> None:
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    text = f"reason: {reason}\noriginal path: {original}\nmoved at: {stamp}\n"
    _reason_path(moved).write_text(text, encoding="utf-8")
