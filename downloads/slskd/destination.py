"""Where slskd moves a finished download, by slskd's own rules (relative to its downloads dir).

Read from slskd's source, tag 0.26.0 (commit e42a525d; unchanged at 5770c7e4):
`DownloadService.DeriveDestination` and `Common/FileSafety.cs`, for slskd running on Linux (its
Docker image). The rules, in the order slskd applies them:

1. A batch enqueued with `options.destination` (not blank) goes to `SanitizePath(destination)`.
2. Otherwise the pattern `transfers.download.destination.subdirectory` (default
   `${SOURCE_DIRECTORY}`; `{}` means the downloads dir itself) has its `${TOKEN}`s replaced in
   one pass, case-insensitively; unknown tokens stay as written. Then `SanitizePath` again.
   - SOURCE_PATH: the remote name put through `SanitizePath`, then its root stripped (drive
     `C:` / `C:\\`, `//server[/]`, Soulseek Qt's `@@` + 5 or more ASCII letters/digits, tried in
     that order, each at the start only), then every segment but the last. Because
     `SanitizePath` already dropped the leading empty segments, a UNC `\\\\server\\share` root is
     *not* stripped here: `server/share/...` stays part of the path.
   - SOURCE_DIRECTORY: the last segment of SOURCE_PATH ("" when SOURCE_PATH is empty or is only
     a root such as `@@abcde`).
   - SOURCE_USERNAME, BATCH_EXTERNAL_ID, SEARCH_TEXT: with `\\0`, `/` and `\\` replaced by `_`;
     BATCH_ID / SEARCH_ID as GUIDs. Missing ones read `unknown_batch_id`,
     `unknown_batch_external_id` (0.26.0 never stores the external id), `unknown_search_id`,
     `unknown_search_text`.
3. `SanitizePath(p)`: split on both `/` and `\\`, drop empty segments, replace `\\0` by `_` in
   each, turn a `.` or `..` segment into `_`, join with `/`.
4. The file keeps its remote base name (last segment after splitting on both slashes, sanitised
   like a segment), so the file lands at `<downloads>/<destination>/<name>`.

slskd before 0.26 (no `destination` options, no batches) used `ToLocalRelativeFilename`: split on
both slashes *keeping* empty segments, and keep only the last folder and the name, so
`@@abcde\\01.flac` went to `<downloads>/@@abcde/01.flac`, `A\\\\01.flac` to `<downloads>/01.flac`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_SUBDIRECTORY = "${SOURCE_DIRECTORY}"
SLASHES = re.compile(r"[\\/]")
TOKEN = re.compile(r"\$\{([^{}]*)\}")
# FileSafety.StripPathRoot, applied in this order to a path whose slashes are all `/`.
ROOTS = (
    re.compile(r"^[a-zA-Z]:/?"),
    re.compile(r"^/{2}[^/]+/?"),
    re.compile(r"^@@[a-zA-Z0-9]{5,}/?"),
)


@dataclass(frozen=True)
class Origin:
    """What DeriveDestination knows about a transfer besides its remote name."""

    username: str = ""
    batch_id: str | None = None
    batch_destination: str | None = None
    search_id: str | None = None
    search_text: str | None = None


def _segment(value: str) -> str:
    # SanitizePathSegment on Linux: only NUL is invalid; "." and ".." would traverse.
    value = value.replace("\0", "_")
    return "_" if value in (".", "..") else value


def _filename_safe(value: str) -> str:
    # SanitizeFilename: NUL and both slashes become "_" ("." stays; SanitizePath catches it).
    return value.replace("\0", "_").replace("/", "_").replace("\\", "_")


def sanitize_path(path: str) -> str:
    return "/".join(_segment(part) for part in SLASHES.split(path) if part)


def strip_root(path: str) -> str:
    path = path.replace("\\", "/")
    for root in ROOTS:
        path = root.sub("", path, count=1)
    return path


def source_path(remote: str) -> str:
    """The SOURCE_PATH token: the sanitised remote folder without its root."""
    sanitized = sanitize_path(remote)
    if "/" not in sanitized:
        return ""
    parts = [part for part in strip_root(sanitized).split("/") if part]
    return "/".join(_segment(part) for part in parts[:-1])


def source_directory(remote: str) -> str:
    folder = source_path(remote)
    if not folder or not strip_root(folder):
        return ""
    return _segment(folder.rsplit("/", 1)[-1])


def file_name(remote: str) -> str | None:
    """The name slskd saves the file under, or None where slskd itself would fail."""
    if not remote or remote[-1] in "/\\" or not strip_root(remote):
        return None
    return _segment(SLASHES.split(remote)[-1])


def destination_dir(remote: str, subdirectory: str | None, origin: Origin) -> str:
    """DeriveDestination: the folder below the downloads dir ("" for the dir itself)."""
    if origin.batch_destination and origin.batch_destination.strip():
        return sanitize_path(origin.batch_destination)
    pattern = subdirectory or DEFAULT_SUBDIRECTORY
    if pattern.lower() == "{}":
        return ""
    values = {
        "SOURCE_USERNAME": _filename_safe(origin.username),
        "SOURCE_PATH": source_path(remote),
        "SOURCE_DIRECTORY": source_directory(remote),
        "BATCH_ID": origin.batch_id or "unknown_batch_id",
        "BATCH_EXTERNAL_ID": "unknown_batch_external_id",
        "SEARCH_ID": origin.search_id or "unknown_search_id",
        "SEARCH_TEXT": _filename_safe(origin.search_text)
        if origin.search_text and origin.search_text.strip()
        else "unknown_search_text",
    }
    replaced = TOKEN.sub(lambda m: values.get(m.group(1).upper(), m.group(0)), pattern)
    return sanitize_path(replaced)


def relative_path(remote: str, subdirectory: str | None, origin: Origin) -> str | None:
    """`<destination>/<name>` as slskd 0.26 saves it, or None if slskd could not save it."""
    name = file_name(remote)
    if name is None:
        return None
    folder = destination_dir(remote, subdirectory, origin)
    return f"{folder}/{name}" if folder else name


def legacy_relative_path(remote: str) -> str | None:
    """slskd before 0.26: `<last folder>/<name>`; None for a name that would escape."""
    parts = [part.replace("\0", "_") for part in SLASHES.split(remote)]
    kept = [part for part in parts[-2:] if part] if len(parts) > 1 else parts
    if not kept or kept[-1] != parts[-1] or any(part in (".", "..") for part in kept):
        return None
    return "/".join(kept)
