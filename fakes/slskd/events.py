"""The events API (spec §5): `GET /api/v0/events`, newest first, `data` a JSON-encoded string."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .wire import datetime_text, new_guid, now_ns

if TYPE_CHECKING:
    from .transfers import Transfer


@dataclass
class Event:
    """One EventRecord; `data` holds the event body without timestamp/type/id."""

    type: str
    data: dict[str, Any]
    id: str = field(default_factory=new_guid)
    timestamp_ns: int = field(default_factory=now_ns)

    def to_json(self) -> dict[str, Any]:
        return {
            "timestamp": datetime_text(self.timestamp_ns, z=True),
            "type": self.type,
            "data": json.dumps(self.data, separators=(",", ":"), ensure_ascii=False),
            "id": self.id,
        }


class EventLog:
    """Append-only, thread-safe list of events."""

    def __init__(self) -> None:
        self._events: list[Event] = []
        self._lock = threading.Lock()

    def add(self, type_: str, data: dict[str, Any]) -> Event:
        """Record an event (also used by POST /api/v0/events/{type})."""
        event = Event(type_, {"version": 0, **data})
        with self._lock:
            self._events.append(event)
        return event

    def download_complete(self, transfer: Transfer, local: Path) -> Event:
        """`DownloadFileComplete` with the local path slskd moved the file to."""
        data = {
            "localFilename": str(local),
            "remoteFilename": transfer.filename,
            "transfer": transfer.to_json(),
        }
        return self.add("DownloadFileComplete", data)

    def directory_complete(self, transfer: Transfer, local_dir: Path, remote_dir: str) -> Event:
        """`DownloadDirectoryComplete` once the user's remote folder has nothing active left."""
        data = {
            "localDirectoryName": str(local_dir),
            "remoteDirectoryName": remote_dir,
            "username": transfer.username,
        }
        return self.add("DownloadDirectoryComplete", data)

    def page(self, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        """Newest first, with the total for `X-Total-Count`."""
        with self._lock:
            newest_first = list(reversed(self._events))
        return [e.to_json() for e in newest_first[offset : offset + limit]], len(newest_first)

    def all(self) -> list[Event]:
        """Oldest first (for tests)."""
        with self._lock:
            return list(self._events)

    def clear(self) -> None:
        with self._lock:
            self._events.clear()
