"""The log viewer: the newest lines of the JSON log `serve` writes (`LOG_FILE`), filtered by
level and text, newest first.

Only the last `TAIL_BYTES` of the file (and of the one before it, just after a rotation) are
ever read, so a large log costs the page no more
than a small one; the viewer shows recent history, `grep` on the file is for the rest. A line
that is not JSON (a child's stray output) is shown as it is, with no level.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

TAIL_BYTES = 256 * 1024
MAX_LINES = 500
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True)
class LogLine:
    time: str
    level: str
    logger: str
    message: str
    request_id: str = ""
    exception: str = ""


def log_lines(level: str = "", text: str = "", limit: int = MAX_LINES) -> list[LogLine]:
    """Lines at `level` or above whose message, logger or request id contains `text`
    (case-insensitive), newest first, at most `limit` of them."""
    minimum = LEVELS.index(level) if level in LEVELS else 0
    needle = text.casefold()
    found = []
    for raw in reversed(recent_lines(Path(settings.LOG_FILE))):
        line = parse(raw)
        if line.level in LEVELS and LEVELS.index(line.level) < minimum:
            continue
        if minimum and line.level not in LEVELS:
            continue
        if needle and needle not in _haystack(line):
            continue
        found.append(line)
        if len(found) >= limit:
            break
    return found


def recent_lines(path: Path, size: int = TAIL_BYTES) -> list[str]:
    """The last `size` bytes' whole lines, oldest first; when the file was just rotated and is
    shorter, the rest of the budget comes from the end of the previous file (`<name>.1`)."""
    lines, read = tail(path, size)
    if read < size:
        older, _ = tail(path.with_name(path.name + ".1"), size - read)
        lines = older + lines
    return lines


def tail(path: Path, size: int) -> tuple[list[str], int]:
    """The whole lines among the last `size` bytes of `path` and the bytes read; none when it
    does not exist."""
    try:
        with path.open("rb") as handle:
            end = handle.seek(0, os.SEEK_END)
            start = max(end - size, 0)
            handle.seek(start)
            data = handle.read(size)
    except OSError:
        return [], 0
    lines = data.decode("utf-8", errors="replace").splitlines()
    if start > 0 and lines:
        lines = lines[1:]  # began mid-line
    return [line for line in lines if line.strip()], len(data)


def parse(raw: str) -> LogLine:
    """One log line; a line that is not a JSON object is kept whole as the message."""
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return LogLine("", "", "", raw)
    return LogLine(
        time=str(data.get("time", "")),
        level=str(data.get("level", "")).upper(),
        logger=str(data.get("logger", "")),
        message=str(data.get("message", "")),
        request_id=str(data.get("request_id", "")),
        exception=str(data.get("exception", "")),
    )


def _haystack(line: LogLine) -> str:
    return f"{line.message}\n{line.logger}\n{line.request_id}\n{line.exception}".casefold()
