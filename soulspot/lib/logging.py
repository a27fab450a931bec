"""Structured JSON log lines: one object per line, easy to grep and to ship."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TextIO

# Attributes every LogRecord has; anything else was passed with `extra=` and belongs in the line.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", "")
        if request_id:
            line["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class CombinedLog:
    """The one writer of the log file: `serve` passes every line of its children through here.

    Several processes rotating one file lose lines (each renames the file under the others);
    children therefore write to their stdout/stderr only, and this object, in `serve` alone,
    copies each line to `stream` and to the size-rotated file. A lock keeps lines whole when
    several children's reader threads write at once.
    """

    def __init__(self, path: Path, *, max_bytes: int, backups: int, stream: TextIO) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.stream = stream
        self.file = RotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups)
        self.file.setFormatter(logging.Formatter("%(message)s"))
        self.lock = threading.Lock()

    def write_line(self, line: str) -> None:
        record = logging.makeLogRecord({"msg": line, "levelno": logging.INFO})
        with self.lock:
            # A closed or broken stdout must not stop the file (nor block the children's pipes).
            with contextlib.suppress(OSError, ValueError):
                self.stream.write(line + "\n")
                self.stream.flush()
            self.file.handle(record)

    def close(self) -> None:
        with self.lock:
            self.file.close()


class _SinkHandler(logging.Handler):
    def __init__(self, sink: CombinedLog) -> None:
        super().__init__()
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.sink.write_line(self.format(record))
        except Exception:
            self.handleError(record)


def send_logging_to(sink: CombinedLog) -> None:
    """In `serve`: its own log lines join its children's, through the one writer."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, logging.StreamHandler) and not isinstance(
            handler, logging.FileHandler
        ):
            root.removeHandler(handler)
            replacement = _SinkHandler(sink)
            replacement.setFormatter(handler.formatter)
            for log_filter in handler.filters:
                replacement.addFilter(log_filter)
            root.addHandler(replacement)
