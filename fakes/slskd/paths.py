"""Local paths for downloads, derived from remote names as slskd does, but always contained.

slskd on Linux keeps the remote file's last folder and name (`<downloads>/<folder>/<file>`) and
only replaces `\\0` and `/` in a segment (spec §5). Remote names come from untrusted peers, so on
top of that the fake drops `.`, `..` and empty segments and refuses any result that resolves
outside its own directory. A name the filesystem refuses (e.g. 400 characters) raises OSError,
which the transfer turns into `Completed, Errored` as real slskd would.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .remote import guess_separator
from .wire import utc_ticks


class UnsafePath(OSError):
    """A derived path would leave the directory it belongs in."""


def safe_segment(segment: str) -> str:
    """slskd's Linux sanitising: `\\0` and `/` become `_`."""
    return segment.replace("\0", "_").replace("/", "_")


def remote_segments(remote: str) -> list[str]:
    """The remote path split on its separator, sanitised, without `.`/`..`/empty segments."""
    parts = [safe_segment(part) for part in remote.split(guess_separator(remote))]
    return [part for part in parts if part not in {"", ".", ".."}]


def contained(root: Path, *segments: str) -> Path:
    """`root/segments...`, refusing anything that resolves outside `root` (symlinks included)."""
    base = root.resolve()
    candidate = base.joinpath(*segments)
    resolved = Path(os.path.realpath(candidate))
    if resolved != base and not resolved.is_relative_to(base):
        raise UnsafePath(f"refusing to write outside {base}: {candidate}")
    return candidate


def download_destination(downloads: Path, remote: str) -> Path:
    """`<downloads>/<last remote folder>/<basename>`; a file in the remote root lands in root."""
    segments = remote_segments(remote)
    if not segments:
        raise UnsafePath(f"remote name has no usable file name: {remote!r}")
    return contained(downloads, *segments[-2:])


def incomplete_path(incomplete: Path, username: str, remote: str) -> Path:
    """0.26 layout: `<incomplete>/<username>/<remote dir without its root>/<file>`."""
    segments = remote_segments(remote)
    if not segments:
        raise UnsafePath(f"remote name has no usable file name: {remote!r}")
    if segments[0].startswith("@@") or segments[0].endswith(":"):
        segments = segments[1:] or segments  # strip `@@xxxxx` and `C:` roots like slskd does
    user = safe_segment(username) if username not in {"", ".", ".."} else "_"
    return contained(incomplete, user, *segments)


def clash_free(target: Path) -> Path:
    """slskd's `destination.exists: rename`: `<stem>_<DateTime.UtcNow.Ticks><ext>` on a clash."""
    if not target.exists():
        return target
    return target.with_name(f"{target.stem}_{utc_ticks()}{target.suffix}")


def move_into_place(source: Path, target: Path) -> Path:
    """Move a finished file to `target` (renamed on a clash); returns where it landed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    final = clash_free(target)
    shutil.move(source, final)
    return final


def prune_empty_dirs(start: Path, stop: Path) -> None:
    """Delete emptied incomplete folders from `start` up to (not including) `stop`."""
    current = start
    stop = stop.resolve()
    while current.resolve() != stop and current.resolve().is_relative_to(stop):
        try:
            current.rmdir()
        except OSError:
            return
        current = current.parent
