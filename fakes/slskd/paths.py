"""Local paths for downloads, derived from remote names by slskd's own rules, always contained.

Written from slskd's source (tag 0.26.0, commit e42a525d: `DownloadService.DeriveDestination`,
`Common/FileSafety.cs`) for slskd on Linux, mirroring its helper functions one by one; this module
must not import SoulSpot's client, so tests comparing the two can catch either one being wrong:

* `sanitize_path` (FileSafety.SanitizePath): both slashes split, empty segments dropped, `\\0`
  replaced by `_`, a `.`/`..` segment becomes `_`, joined with `/`.
* `strip_path_root`: drive `C:`/`C:\\`, then `//server[/]`, then `@@xxxxx` (5+ ASCII letters or
  digits), each only at the start.
* `directory_name_safely` / `file_name_safely` (GetDirectoryNameSafely / GetFileNameSafely).
* `derive_destination`: a batch's `destination`, else the `destination.subdirectory` pattern with
  `${SOURCE_PATH}`, `${SOURCE_DIRECTORY}`, `${SOURCE_USERNAME}`, `${BATCH_ID}`,
  `${BATCH_EXTERNAL_ID}`, `${SEARCH_ID}`, `${SEARCH_TEXT}` replaced; `{}` is the root itself.

slskd before 0.26 (`legacy_destination`) kept only `<last folder>/<file>`, splitting on both
slashes but keeping empty segments. On top of slskd's rules the fake refuses any result that
resolves outside its own directory. A name the filesystem refuses (e.g. 400 characters) raises
OSError, which the transfer turns into `Completed, Errored` as real slskd would.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from .wire import utc_ticks

_DRIVE_ROOT = re.compile(r"^[a-zA-Z]:[/\\]?")
_UNC_ROOT = re.compile(r"^[/\\]{2}[^/\\]+[/\\]?")
_QT_ROOT = re.compile(r"^@@[a-zA-Z0-9]{5,}[/\\]?")
_PLACEHOLDER = re.compile(r"\$\{([^\{\}]*)\}")


class UnsafePath(OSError):
    """A derived path would leave the directory it belongs in."""


def safe_segment(segment: str) -> str:
    """SanitizeFilename on Linux: `\\0` and both slashes become `_`."""
    return segment.replace("\0", "_").replace("/", "_").replace("\\", "_")


def path_segment(segment: str) -> str:
    """SanitizePathSegment: like a file name, but `.` and `..` become `_`."""
    cleaned = safe_segment(segment)
    return "_" if cleaned in {".", ".."} else cleaned


def _split(path: str) -> list[str]:
    return path.replace("\\", "/").split("/")


def sanitize_path(path: str) -> str:
    return "/".join(path_segment(part) for part in _split(path) if part != "")


def strip_path_root(path: str) -> str:
    localized = path.replace("\\", "/")
    for root in (_DRIVE_ROOT, _UNC_ROOT, _QT_ROOT):
        localized = root.sub("", localized, count=1)
    return localized


def directory_name_safely(path: str) -> str | None:
    """GetDirectoryNameSafely(retainRoot: false): the unrooted parent folder, or None."""
    if not path or ("/" not in path and "\\" not in path):
        return None
    unrooted = strip_path_root(path.replace("\\", "/").rstrip("/"))
    if not unrooted:
        return None
    parts = [part for part in _split(unrooted) if part != ""]
    if len(parts) <= 1:
        return None
    return "/".join(path_segment(part) for part in parts[:-1])


def file_name_safely(path: str) -> str | None:
    """GetFileNameSafely: the sanitised last segment; None for a folder or a bare root."""
    if not path or path.endswith(("/", "\\")) or strip_path_root(path) == "":
        return None
    return path_segment(_split(path)[-1])


@dataclass
class DestinationInputs:
    """What DeriveDestination reads besides the remote name."""

    pattern: str = "${SOURCE_DIRECTORY}"
    username: str = ""
    batch_id: str | None = None
    batch_destination: str | None = None
    search_id: str | None = None
    search_text: str | None = None


def derive_destination(remote: str, inputs: DestinationInputs) -> str:
    """The folder below the downloads dir, "" for the dir itself."""
    if inputs.batch_destination is not None and inputs.batch_destination.strip():
        return sanitize_path(inputs.batch_destination)
    if inputs.pattern.casefold() == "{}":
        return ""
    path = (directory_name_safely(sanitize_path(remote)) or "").strip("/")
    text = inputs.search_text
    args = {
        "source_username": safe_segment(inputs.username),
        "source_path": path,
        "source_directory": (file_name_safely(path) or "") if path else "",
        "batch_id": inputs.batch_id or "unknown_batch_id",
        "batch_external_id": "unknown_batch_external_id",
        "search_id": inputs.search_id or "unknown_search_id",
        "search_text": safe_segment(text) if text and text.strip() else "unknown_search_text",
    }

    def substitute(match: re.Match[str]) -> str:
        return args.get(match.group(1).casefold(), match.group(0))

    return sanitize_path(_PLACEHOLDER.sub(substitute, inputs.pattern))


def legacy_destination(remote: str) -> list[str]:
    """slskd <= 0.25 `ToLocalRelativeFilename`: `[last folder, file]` (folder may be empty)."""
    parts = [part.replace("\0", "_") for part in _split(remote)]
    return [parts[-1]] if len(parts) == 1 else [parts[-2], parts[-1]]


def contained(root: Path, *segments: str) -> Path:
    """`root/segments...`, refusing anything that resolves outside `root` (symlinks included)."""
    base = root.resolve()
    candidate = base.joinpath(*segments)
    resolved = Path(os.path.realpath(candidate))
    if resolved != base and not resolved.is_relative_to(base):
        raise UnsafePath(f"refusing to write outside {base}: {candidate}")
    return candidate


def download_destination(
    downloads: Path,
    remote: str,
    inputs: DestinationInputs | None = None,
    *,
    legacy: bool = False,
) -> Path:
    """Where the finished file goes: slskd 0.26's rules, or the pre-0.26 ones if `legacy`."""
    if legacy:
        segments = [part for part in legacy_destination(remote) if part != ""]
        if not segments or segments[-1] != _split(remote)[-1] or {".", ".."} & set(segments):
            raise UnsafePath(f"pre-0.26 slskd would write outside its directory: {remote!r}")
        return contained(downloads, *segments)
    name = file_name_safely(remote)
    if name is None:
        raise UnsafePath(f"remote name has no usable file name: {remote!r}")
    folder = derive_destination(remote, inputs or DestinationInputs())
    return contained(downloads, *[part for part in folder.split("/") if part], name)


def incomplete_path(incomplete: Path, username: str, remote: str) -> Path:
    """0.26 layout: `<incomplete>/<username>/<remote dir without its root>/<file>`."""
    name = file_name_safely(remote)
    if name is None:
        raise UnsafePath(f"remote name has no usable file name: {remote!r}")
    folder = directory_name_safely(remote) or ""
    return contained(incomplete, path_segment(username) or "_", *folder.split("/"), name)


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
