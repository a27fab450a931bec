"""One download's life (spec §4.6, §10.10-12), run on its own thread.

`Queued, Locally` -> `Requested` -> `Queued, Remotely` -> `Initializing` -> `InProgress` ->
`Completed, Succeeded`, writing real bytes into `<incomplete>/` at the peer's (scaled) upload
speed, then moving the file to `<downloads>/<folder>/<file>` after the state flipped, then
raising the events. Scripted failures and the size check end it early; Errored/TimedOut are
retried like 0.26 while `attempts < retry_attempts`.
"""

from __future__ import annotations

import math
import sys
import time
import traceback
from pathlib import Path
from typing import IO, TYPE_CHECKING

from .network import Failure, SharedFile
from .paths import (
    DestinationInputs,
    download_destination,
    incomplete_path,
    move_into_place,
    prune_empty_dirs,
)
from .remote import directory_name
from .wire import now_ns

if TYPE_CHECKING:
    from .fake import FakeSlskd
    from .transfers import Transfer

CANCELLED = "Completed, Cancelled"
SUCCEEDED = "Completed, Succeeded"
RETRYABLE = {"Completed, Errored", "Completed, TimedOut"}


class Downloader:
    """Drives one Transfer; every wait is cancellable through `transfer.cancel`."""

    def __init__(self, fake: FakeSlskd, transfer: Transfer) -> None:
        self.fake = fake
        self.cfg = fake.config
        self.t = transfer

    def run(self) -> None:
        """Thread body; a bug ends the transfer Errored (with the message) instead of hanging."""
        try:
            self._run()
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            self._end("Completed, Errored", f"fake slskd internal error: {exc}")

    def _run(self) -> None:
        """Attempt, and retry Errored/TimedOut with exponential backoff (0.26 behaviour)."""
        while True:
            outcome = self._attempt()
            if outcome not in RETRYABLE or self.t.attempts >= self._max_attempts():
                return
            backoff = self.cfg.retry_delay * 2 ** (self.t.attempts - 1)
            if self._sleep(min(backoff, self.cfg.retry_max_delay)):
                self._end(CANCELLED, "The operation was canceled.")
                return
            self._set("Queued, Locally")

    def _max_attempts(self) -> int:
        """Automatic retries only exist from 0.26 on."""
        return self.cfg.retry_attempts if self.cfg.enqueue_mode == "0.26" else 1

    def _attempt(self) -> str:
        if self._sleep(self.cfg.state_step):
            return self._cancelled()
        with self.fake.lock:
            self.t.attempts += 1
            self.t.state = "Requested"
        if self._sleep(self.cfg.state_step):
            return self._cancelled()
        failure = self.fake.network.take_failure(self.t.username, self.t.filename)
        shared = self._negotiate(failure)
        if isinstance(shared, str):
            return shared
        return self._queue_and_transfer(shared, failure)

    def _negotiate(self, failure: Failure | None) -> SharedFile | str:
        """The peer's answer to the transfer request: the file, or a terminal state."""
        kind = failure.fail if failure else None
        custom = failure.message if failure else None
        user = self.fake.network.user(self.t.username)
        if user is None or not user.online or kind == "offline":
            return self._end("Completed, Errored", custom or self._offline())
        if kind == "rejected":
            return self._end(
                "Completed, Rejected", f"Transfer rejected: {custom or 'File not shared.'}"
            )
        shared = user.find(self.t.filename)
        if shared is None or shared.locked:
            return self._end("Completed, Rejected", "Transfer rejected: File not shared.")
        if kind == "errored" and not failure.after_bytes:
            return self._end(
                "Completed, Errored", custom or "Download reported as failed by remote client"
            )
        return shared

    def _queue_and_transfer(self, shared: SharedFile, failure: Failure | None) -> str:
        kind = failure.fail if failure else None
        with self.fake.lock:
            self.t.state = "Queued, Remotely"
            self.t.enqueued_ns = self.t.enqueued_ns or now_ns()
        if self._sleep(math.inf if kind == "queued_forever" else self._remote_queue_time()):
            return self._cancelled()
        real = shared.real_size()
        if self.t.size != real:
            msg = (
                f"Transfer aborted: the remote size of {real} "
                f"does not match expected size {self.t.size}"
            )
            return self._end("Completed, Aborted", msg)
        self._set("Initializing")
        if kind == "timed_out" and not failure.after_bytes:
            return self._time_out(failure)
        if self._sleep(self.cfg.state_step):
            return self._cancelled()
        return self._transfer(shared, failure)

    def _remote_queue_time(self) -> float:
        user = self.fake.network.user(self.t.username)
        if user is not None and user.remote_queue_time is not None:
            return user.remote_queue_time
        queue = user.queue_length if user else 0
        return self.cfg.remote_queue_time + queue * self.cfg.queue_time_per_position

    def _transfer(self, shared: SharedFile, failure: Failure | None) -> str:
        """Write the real bytes into the incomplete file at the peer's speed."""
        try:
            part = incomplete_path(self.fake.incomplete_dir, self.t.username, self.t.filename)
            part.parent.mkdir(parents=True, exist_ok=True)
            out = part.open("wb")
        except OSError as exc:
            return self._end("Completed, Errored", f"Transfer failed: {exc.strerror or exc}")
        with self.fake.lock:
            self.t.state, self.t.started_ns = "InProgress", now_ns()
            self.t.bytes_transferred, self.t.average_speed = 0, 0.0
        stop_at = (
            failure.after_bytes if failure and failure.fail in {"errored", "timed_out"} else None
        )
        with out, shared.local.open("rb") as source:
            sent = self._pump(source, out, stop_at)
        if sent is None:
            return self._cancelled()
        if stop_at is not None and sent < self.t.size:
            if failure.fail == "timed_out":
                return self._time_out(failure)
            return self._end(
                "Completed, Errored", failure.message or "Transfer failed: Remote connection closed"
            )
        return self._succeed(part)

    def _pump(self, source: IO[bytes], out: IO[bytes], stop_at: int | None) -> int | None:
        """Copy at `uploadSpeed * speed_scale` bytes/s, publishing progress; None if cancelled."""
        user = self.fake.network.user(self.t.username)
        speed = max(1.0, (user.upload_speed if user else 1) * self.cfg.speed_scale)
        limit = self.t.size if stop_at is None else min(self.t.size, stop_at)
        start = last_publish = time.monotonic()
        sent = 0
        while sent < limit:
            if self.t.cancel.is_set() or self.fake.stopping.is_set():
                return None
            allowed = min(limit, int(speed * (time.monotonic() - start)))
            if sent >= allowed:
                self.t.cancel.wait(min(0.01, self.cfg.chunk_size / speed))
                continue
            data = source.read(min(self.cfg.chunk_size, allowed - sent))
            if not data:
                break
            out.write(data)
            sent += len(data)
            self.fake.stats.add_bytes(len(data))
            if time.monotonic() - last_publish >= self.cfg.scaled(self.cfg.progress_interval):
                last_publish = time.monotonic()
                self._publish(sent, last_publish - start)
        out.flush()
        self._publish(sent, time.monotonic() - start)
        return sent

    def _publish(self, sent: int, elapsed: float) -> None:
        """Progress as slskd saves it: averageSpeed stays 0 for the first (simulated) second."""
        with self.fake.lock:
            self.t.bytes_transferred = sent
            warm = elapsed >= self.cfg.scaled(1.0)
            self.t.average_speed = sent / elapsed if warm and elapsed > 0 else 0.0

    def _succeed(self, part: Path) -> str:
        """Flip to Succeeded first, then move the file, then raise the events (slskd's order)."""
        with self.fake.lock:
            ended = now_ns()
            duration = max((ended - (self.t.started_ns or ended)) / 1e9, 1e-7)
            self.t.state, self.t.ended_ns, self.t.exception = SUCCEEDED, ended, None
            self.t.bytes_transferred, self.t.average_speed = self.t.size, self.t.size / duration
            self.fake.stats.files_completed += 1
        self.fake.stopping.wait(self.cfg.scaled(self.cfg.move_delay))
        transfers = self.fake.transfers
        try:
            legacy = not self.cfg.is_026
            inputs = None if legacy else self._destination_inputs()
            target = download_destination(
                self.fake.downloads_dir, self.t.filename, inputs, legacy=legacy
            )
            # One file at a time: clash renaming, the "directory done" check and the event
            # order (every file event before its directory event) all depend on it.
            with transfers.move_lock:
                final = move_into_place(part, target)
                with self.fake.lock:
                    self.t.local_path = final
                self.fake.events.download_complete(self.t, final)
                if transfers.directory_done(self.t):
                    remote_dir = directory_name(self.t.filename)
                    self.fake.events.directory_complete(self.t, final.parent, remote_dir)
        except OSError as exc:
            return self._end("Completed, Errored", f"Failed to move downloaded file: {exc}")
        prune_empty_dirs(part.parent, self.fake.incomplete_dir)
        return SUCCEEDED

    def _destination_inputs(self) -> DestinationInputs:
        """What slskd's DeriveDestination looks up: the batch, and the search it names."""
        inputs = DestinationInputs(self.cfg.destination_subdirectory, self.t.username)
        with self.fake.lock:
            batch = self.fake.batches.batches.get(self.t.batch_id or "")
        if batch is None:
            return inputs
        inputs.batch_id, inputs.batch_destination = batch.id, batch.destination
        search = self.fake.searches.get(batch.search_id) if batch.search_id else None
        inputs.search_id = batch.search_id if search is not None else None
        inputs.search_text = search.text if search is not None else None
        return inputs

    def _time_out(self, failure: Failure) -> str:
        """A stalled connection: nothing more arrives for `transfer_timeout`."""
        if self._sleep(self.cfg.transfer_timeout):
            return self._cancelled()
        ms = round(self.cfg.transfer_timeout * 1000)
        return self._end(
            "Completed, TimedOut",
            failure.message or f"Inactivity timeout of {ms} milliseconds was reached",
        )

    def _offline(self) -> str:
        return f"User {self.t.username} appears to be offline"

    def _sleep(self, simulated: float) -> bool:
        """Wait a simulated duration; True when cancelled or the fake is stopping."""
        deadline = time.monotonic() + self.cfg.scaled(simulated)
        while not (self.t.cancel.is_set() or self.fake.stopping.is_set()):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self.t.cancel.wait(min(remaining, 0.05))
        return True

    def _set(self, state: str) -> None:
        with self.fake.lock:
            self.t.state = state

    def _cancelled(self) -> str:
        return self._end(CANCELLED, "The operation was canceled.")

    def _end(self, state: str, exception: str | None) -> str:
        """A Completed state; a transfer that never started gets startedAt == endedAt."""
        with self.fake.lock:
            self.t.state, self.t.exception, self.t.ended_ns = state, exception, now_ns()
            if self.t.started_ns is None:
                self.t.started_ns = self.t.ended_ns
        return state
