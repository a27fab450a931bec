"""Download records (spec §4): enqueue validation, listing, cancel/remove semantics.

Each enqueued record gets a `Downloader` thread (downloader.py) that walks it through the
transfer states. Records are never deleted, only soft-removed (`removed=true`), as in 0.26.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .httpd import HttpError, Reply, empty, json_reply, message
from .remote import directory_name, has_traversal
from .wire import (
    as_int,
    compact,
    datetime_text,
    lower_keys,
    new_guid,
    now_ns,
    number,
    parse_guid,
    timespan_text,
)

if TYPE_CHECKING:
    from .fake import FakeSlskd

TOO_MANY = "Only one concurrent operation is permitted. Wait until the previous request completes"


@dataclass
class Transfer:
    """One download record, as slskd stores it."""

    username: str
    filename: str
    size: int
    state: str = "Queued, Locally"
    id: str = field(default_factory=new_guid)
    requested_ns: int = field(default_factory=now_ns)
    enqueued_ns: int | None = None
    started_ns: int | None = None
    ended_ns: int | None = None
    bytes_transferred: int = 0
    average_speed: float = 0.0
    place_in_queue: int | None = None
    exception: str | None = None
    attempts: int = 0
    removed: bool = False
    batch_id: str | None = None  # 0.26: the batch it was enqueued in
    local_path: Path | None = None  # where the file landed (fake-only, not serialised)
    cancel: threading.Event = field(default_factory=threading.Event, repr=False)
    worker: threading.Thread | None = field(default=None, repr=False)

    @property
    def is_complete(self) -> bool:
        return self.state.startswith("Completed")

    @property
    def directory(self) -> str:
        return directory_name(self.filename)

    def to_json(self, *, utc_kind: bool = False) -> dict[str, Any]:
        """0.26 Transfer. `utc_kind`: the in-memory record of the enqueue reply has `Z` on
        requestedAt; records read back from slskd's database do not (spec §1)."""
        elapsed = None
        if self.started_ns is not None:
            elapsed = ((self.ended_ns or now_ns()) - self.started_ns) / 1e9
        remaining_bytes = self.size - self.bytes_transferred
        remaining = remaining_bytes / self.average_speed if self.average_speed else None
        percent = (self.bytes_transferred / self.size) * 100 if self.size else 0
        return compact(
            {
                "id": self.id,
                "username": self.username,
                "direction": "Download",
                "filename": self.filename,
                "size": self.size,
                "state": self.state,
                "requestedAt": datetime_text(self.requested_ns, z=utc_kind),
                "enqueuedAt": datetime_text(self.enqueued_ns, z=utc_kind),
                "startedAt": datetime_text(self.started_ns, z=True),
                "endedAt": datetime_text(self.ended_ns, z=True),
                "bytesTransferred": self.bytes_transferred,
                "averageSpeed": number(self.average_speed),
                "placeInQueue": self.place_in_queue,
                "exception": self.exception,
                "attempts": self.attempts,
                "removed": self.removed,
                "batchId": self.batch_id,
                "bytesRemaining": remaining_bytes,
                "elapsedTime": timespan_text(elapsed),
                "percentComplete": number(percent),
                "remainingTime": timespan_text(remaining),
            }
        )


def parse_enqueue_body(body: Any, *, validate: bool) -> list[tuple[str, int]]:
    """`[{filename, size}]` with slskd 0.24+'s checks (`validate`); extra keys are ignored."""
    if not isinstance(body, list):
        raise HttpError(
            message(400, "The JSON value could not be converted to QueueDownloadRequest[].")
        )
    if validate and not body:
        raise HttpError(message(400, "At least one file is required"))
    files = []
    for item in body:
        if not isinstance(item, dict):
            raise HttpError(message(400, "One or more files is null or not an object"))
        fields = lower_keys(item)
        filename = fields.get("filename")
        if not isinstance(filename, str) or not filename:
            raise HttpError(message(400, "The Filename field is required."))
        try:
            size = as_int(fields.get("size") or 0)
        except ValueError as exc:
            raise HttpError(message(400, f"The JSON value for size is invalid: {exc}")) from exc
        if validate and has_traversal(filename):
            raise HttpError(message(400, f"Filename {filename} contains a relative path segment"))
        files.append((filename, size))
    names = [name for name, _ in files]
    if validate and len(set(names)) != len(names):
        raise HttpError(message(400, "Duplicate filenames are not allowed"))
    return files


class TransferEngine:
    """All download records of one fake."""

    def __init__(self, fake: FakeSlskd) -> None:
        self.fake = fake
        self.transfers: dict[str, Transfer] = {}
        self.enqueue_gate = threading.Semaphore(fake.config.max_concurrent_enqueues)
        self.move_lock = threading.Lock()  # clash renaming must see other moves

    def enqueue(self, username: str, body: Any) -> Reply:
        """POST /transfers/downloads/{username} in the configured version's shape."""
        legacy = self.fake.config.enqueue_mode == "legacy"
        files = parse_enqueue_body(body, validate=not legacy)
        if legacy:
            return self._enqueue_legacy(username, files)
        if not self.enqueue_gate.acquire(blocking=False):
            return message(429, TOO_MANY)
        try:
            time.sleep(self.fake.config.enqueue_post_hold)
            self._require_online(username)
            refused = self._scripted_refusals(username, files)
            accepted = [(name, size) for name, size in files if name not in refused]
            enqueued, skipped = self.insert(username, accepted, initial="Queued, Locally")
            skipped += refused
            # the reply shows the records as inserted, before any worker moves them on
            enqueued_json = [t.to_json(utc_kind=True) for t in enqueued]
            self.start_workers(enqueued)
        finally:
            self.enqueue_gate.release()
        if self.fake.config.enqueue_mode == "0.24":
            failed: list[Any] = skipped
        else:  # 0.26 writes a ValueTuple list; System.Text.Json skips its fields -> `{}`
            failed = [{} for _ in skipped]
        body_out = {"enqueued": enqueued_json, "failed": failed}
        return json_reply(body_out, 201)

    def _enqueue_legacy(self, username: str, files: list[tuple[str, int]]) -> Reply:
        """<=0.23: block until every file is `Queued, Remotely` (or failed); 201 empty body."""
        self._require_online(username)
        enqueued, skipped = self.insert(username, files, initial="None")
        self.start_workers(enqueued)
        errors = [f"Active or queued download of {name} is already in progress" for name in skipped]
        for transfer in enqueued:
            while not self.fake.stopping.is_set():
                if transfer.is_complete or transfer.enqueued_ns is not None:
                    break
                time.sleep(0.01)
            if transfer.is_complete and transfer.enqueued_ns is None:  # failed before the queue
                errors.append(f"{transfer.filename}: {transfer.exception}")
        if errors:
            return message(500, "One or more errors occurred. (" + ") (".join(errors) + ")")
        return empty(201)

    def _scripted_refusals(self, username: str, files: list[tuple[str, int]]) -> list[str]:
        """Shares with `enqueue_error`: refused at enqueue (the reason shows only in batches)."""
        user = self.fake.network.user(username)
        scripted = {f.remote for f in user.files if f.enqueue_error} if user else set()
        return [name for name, _ in files if name in scripted]

    def require_connected(self) -> None:
        if not self.fake.connected:
            msg = "The server connection must be connected and logged in (currently: Disconnected)"
            raise HttpError(message(500, msg))

    def _require_online(self, username: str) -> None:
        """slskd looks the peer's endpoint up before inserting anything."""
        fake = self.fake
        self.require_connected()
        user = fake.network.user(username)
        if user is None or not user.online:
            raise HttpError(message(500, f"User {username} appears to be offline"))

    def insert(
        self,
        username: str,
        files: list[tuple[str, int]],
        *,
        initial: str,
        batch_id: str | None = None,
    ) -> tuple[list[Transfer], list[str]]:
        """Insert records before replying; an active duplicate is skipped, a finished one is
        superseded (`removed=true`)."""
        enqueued, skipped = [], []
        with self.fake.lock:
            self.fake.stats.enqueue_requests += 1
            for filename, size in files:
                same = [t for t in self.transfers.values() if self._same(t, username, filename)]
                if any(not t.is_complete for t in same):
                    skipped.append(filename)
                    continue
                for old in same:
                    old.removed = True
                transfer = Transfer(
                    username=username,
                    filename=filename,
                    size=size,
                    state=initial,
                    batch_id=batch_id,
                )
                self.transfers[transfer.id] = transfer
                self.fake.stats.count_enqueue(username, filename)
                enqueued.append(transfer)
        return enqueued, skipped

    def start_workers(self, transfers: list[Transfer]) -> None:
        from .downloader import Downloader

        for transfer in transfers:
            transfer.worker = threading.Thread(
                target=Downloader(self.fake, transfer).run, daemon=True
            )
            transfer.worker.start()

    @staticmethod
    def _same(transfer: Transfer, username: str, filename: str) -> bool:
        return transfer.username == username and transfer.filename == filename

    def find(self, transfer_id: str) -> Transfer | None:
        """By id only (the username in the URL is ignored), removed records included."""
        key = parse_guid(transfer_id)
        if key is None:
            raise HttpError(empty(400))
        with self.fake.lock:
            return self.transfers.get(key)

    def listing(self, *, username: str | None = None, include_removed: bool = False) -> list[Any]:
        """Records grouped by user, then by remote directory, in insertion order."""
        with self.fake.lock:
            records = [
                t
                for t in self.transfers.values()
                if (include_removed or not t.removed)
                and (username is None or t.username == username)
            ]
            return _group(records)

    def cancel(self, transfer_id: str, *, remove: bool) -> Reply:
        """DELETE: cancel (asynchronously), then soft-remove only if already Completed; 204."""
        transfer = self.find(transfer_id)
        if transfer is None:
            return empty(204)
        with self.fake.lock:
            if not transfer.is_complete:
                transfer.cancel.set()
                if transfer.worker is None or not transfer.worker.is_alive():
                    transfer.state, transfer.exception = (
                        "Completed, Cancelled",
                        "The operation was canceled.",
                    )
                    transfer.ended_ns = now_ns()
            if remove and transfer.is_complete:
                transfer.removed = True
        return empty(204)

    def remove_completed(self) -> None:
        """DELETE /all/completed: every Completed record (success or failure) is removed."""
        with self.fake.lock:
            for transfer in self.transfers.values():
                if transfer.is_complete:
                    transfer.removed = True

    def clear(self) -> None:
        """Reset: cancel everything and forget all records."""
        with self.fake.lock:
            for transfer in self.transfers.values():
                transfer.cancel.set()
            self.transfers.clear()

    def directory_done(self, transfer: Transfer) -> bool:
        """Every record of this user's remote directory is settled: failed, or succeeded and
        moved. Called under `move_lock`, so only the last file to settle sees True."""
        with self.fake.lock:
            return all(
                t.is_complete and (t.state != "Completed, Succeeded" or t.local_path is not None)
                for t in self.transfers.values()
                if t.username == transfer.username
                and t.directory == transfer.directory
                and not t.removed
            )


def _group(records: list[Transfer]) -> list[dict[str, Any]]:
    users: dict[str, dict[str, list[Transfer]]] = {}
    for transfer in records:
        users.setdefault(transfer.username, {}).setdefault(transfer.directory, []).append(transfer)
    return [
        {
            "username": username,
            "directories": [
                {"directory": name, "fileCount": len(files), "files": [t.to_json() for t in files]}
                for name, files in directories.items()
            ],
        }
        for username, directories in users.items()
    ]
