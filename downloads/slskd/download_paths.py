"""Where slskd put a downloaded file, checked never to leave the downloads dir.

Remote filenames come from strangers on the Soulseek network, and event paths come from slskd's
own filesystem view, so every path built here is sanitised segment by segment, then resolved
(following symlinks) and checked to lie inside the downloads directory. Anything else is None.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

# Most Linux filesystems refuse longer names, so such a "file" cannot exist there.
MAX_NAME_BYTES = 255
UNSAFE_SEGMENTS = frozenset({"", ".", ".."})
# On a clash slskd saves `<stem>_<DateTime.UtcNow.Ticks><ext>`; ticks have 18 digits since 1973.
TICKS_PATTERN = r"_(\d{15,20})"
WINDOWS_ABSOLUTE = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\)")


def safe_segment(segment: str) -> str | None:
    """The name slskd would write on Linux (only NUL and `/` replaced), or None if unsafe."""
    name = segment.replace("\0", "_").replace("/", "_")
    if name in UNSAFE_SEGMENTS or len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        return None
    return name


def contained(path: Path, root: Path) -> Path | None:
    """`path` resolved, if it lies strictly inside `root` (resolved too); otherwise None."""
    try:
        resolved = path.resolve(strict=False)
        resolved_root = root.resolve(strict=False)
    except (OSError, RuntimeError, ValueError):
        return None  # a symlink loop, or a name the OS refuses
    if resolved == resolved_root or not resolved.is_relative_to(resolved_root):
        return None
    return resolved


def expected_path(downloads_dir: Path, relative: str | None) -> Path | None:
    """`<downloads>/<relative>` (slskd's rules, see `destination`), or None if unsafe."""
    if not relative:
        return None
    names = [safe_segment(part) for part in relative.split("/")]
    if any(name is None for name in names):
        return None
    return contained(downloads_dir.joinpath(*names), downloads_dir)


def clash_variants(path: Path) -> list[Path]:
    """`path` itself plus slskd's `<stem>_<ticks><ext>` renames of it, if they exist."""
    pattern = re.compile(re.escape(path.stem) + TICKS_PATTERN + re.escape(path.suffix))
    found = [path] if path.is_file() else []
    try:
        with os.scandir(path.parent) as entries:
            found += [Path(entry.path) for entry in entries if pattern.fullmatch(entry.name)]
    except OSError:
        pass  # no such folder (yet): nothing was saved there
    return found


def find_downloaded_file(
    downloads_dir: Path, relative: str | None, size: int | None
) -> Path | None:
    """The newest existing file slskd may have saved as `relative`, matching `size`."""
    target = expected_path(downloads_dir, relative)
    if target is None:
        return None
    best: tuple[float, Path] | None = None
    for candidate in clash_variants(target):
        safe = contained(candidate, downloads_dir)
        try:
            stat = safe.stat() if safe is not None and safe.is_file() else None
        except OSError:
            stat = None  # removed while we looked
        if stat is None or (size is not None and stat.st_size != size):
            continue
        if best is None or stat.st_mtime > best[0]:
            best = (stat.st_mtime, safe)
    return best[1] if best else None


def _pure(path: str) -> PurePath:
    return PureWindowsPath(path) if WINDOWS_ABSOLUTE.match(path) else PurePosixPath(path)


def map_event_path(
    local_filename: str, slskd_downloads: str | None, downloads_dir: Path
) -> Path | None:
    """Translate an event's `localFilename` (slskd's view) into our view of the downloads dir.

    slskd often runs in a container where the folder is `/app/downloads` while SoulSpot sees it
    elsewhere, so the part below slskd's downloads dir is re-rooted onto ours. Never trusted
    blindly: unsafe segments or a result outside `downloads_dir` give None.
    """
    if not local_filename or "\0" in local_filename:
        return None
    remote_view = _pure(local_filename)
    if slskd_downloads and remote_view.is_relative_to(_pure(slskd_downloads)):
        relative = remote_view.relative_to(_pure(slskd_downloads)).parts
    elif isinstance(remote_view, PurePosixPath) and remote_view.is_absolute():
        relative = _relative_parts(Path(local_filename), downloads_dir)
    else:
        return None
    if not relative or any(safe_segment(part) != part for part in relative):
        return None
    return contained(downloads_dir.joinpath(*relative), downloads_dir)


def _relative_parts(path: Path, root: Path) -> tuple[str, ...]:
    # Lexical only: `..` segments survive here and are refused by the caller.
    try:
        return path.relative_to(root).parts
    except ValueError:
        return ()
