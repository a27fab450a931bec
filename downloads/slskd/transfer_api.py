"""Downloads (spec §4) and remote folders (spec §7).

From 0.26 on, files are queued with `POST /transfers/downloads/batches` (the per-user endpoint is
marked obsolete there, and its reply loses every refusal's reason: `failed: [{}]`); the batch
reply (201 all queued, 207 some refused, 200 none) names each refused file and why. Older slskd
get the per-user endpoint, whose every reply shape is understood: the 0.24+ `{enqueued, failed}`
object (failed items as filenames, or objects) and the older empty 201, in which case the ids are
looked up in the per-user listing.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import httpx

from .base import BaseClient, logger, segment
from .errors import (
    SlskdError,
    SlskdNotFound,
    SlskdProtocolError,
    SlskdRateLimited,
    SlskdUnreachable,
)
from .replies import (
    DirectoryFile,
    EnqueueFailure,
    EnqueueResult,
    Transfer,
    as_bool,
    as_int,
    as_opt_int,
    as_str,
)

# slskd ≤0.23 answers the enqueue only once the peer has queued every file: allow for that.
ENQUEUE_TIMEOUT = 60.0
ENQUEUE_RATE_LIMIT_DELAYS = (0.5, 1.0, 2.0)
RESOLVE_DELAYS = (0.0, 0.5, 1.0, 2.0)
NEVER = datetime.min.replace(tzinfo=UTC)
BATCHES_PATH = "/transfers/downloads/batches"
# Batches arrived in slskd 0.26.0 (TransfersController.EnqueueBatchAsync).
BATCHES_SINCE = (0, 26)
ATTRIBUTE_KEYS = {
    "BitRate": "bit_rate",
    "BitDepth": "bit_depth",
    "SampleRate": "sample_rate",
    "Length": "length",
    "VariableBitRate": "is_variable_bit_rate",
}


def _user_path(username: str) -> str:
    return f"/transfers/downloads/{segment(username)}"


def _newest(candidates: list[Transfer]) -> Transfer | None:
    """The record to trust when a filename appears several times: not removed, newest request."""
    if not candidates:
        return None
    return max(candidates, key=lambda t: (not t.removed, t.requested_at or NEVER))


def _parse_failure(item: Any) -> EnqueueFailure:
    if isinstance(item, str):
        return EnqueueFailure(filename=item, message="not enqueued (already in progress?)")
    if isinstance(item, dict):
        lowered = {str(key).lower(): value for key, value in item.items()}
        filename = as_str(lowered.get("filename") or lowered.get("item1"))
        message = as_str(lowered.get("message") or lowered.get("item2"))
        return EnqueueFailure(filename=filename, message=message or "not enqueued")
    return EnqueueFailure(filename="", message="not enqueued")


def flatten_users(users: Iterable[Any]) -> list[Transfer]:
    """`[{username, directories:[{directory, files:[Transfer]}]}]` -> transfers, skipping junk."""
    transfers: list[Transfer] = []
    for user in users:
        if not isinstance(user, dict):
            continue
        username = as_str(user.get("username"))
        for directory in user.get("directories") or []:
            files = directory.get("files") if isinstance(directory, dict) else None
            for item in files if isinstance(files, list) else []:
                if not isinstance(item, dict):
                    continue
                try:
                    transfers.append(Transfer.from_api(item, username))
                except SlskdProtocolError:
                    logger.warning("skipping a malformed transfer from slskd for %s", username)
    return transfers


class TransferMixin(BaseClient):
    """Transfer and user-directory endpoints; mixed into `SlskdClient`."""

    def enqueue(self, username: str, files: list[tuple[str, int]]) -> list[Transfer]:
        """Queue downloads; returns a transfer per file that slskd accepted or already had active.

        Files missing from the list were refused (see `enqueue_files` for the reasons). Raises
        `SlskdUserOffline` for an offline peer and `SlskdError` if no file could be queued.
        """
        result = self.enqueue_files(username, files)
        if not result.transfers:
            reason = next((f.message for f in result.failed if f.message), "no reason given")
            raise SlskdError(
                f"slskd queued none of the {len(files)} file(s) from {username}: {reason}"
            )
        return result.transfers

    def enqueue_files(
        self, username: str, files: list[tuple[str, int]], *, destination: str | None = None
    ) -> EnqueueResult:
        """Like `enqueue`, but also reports the files slskd refused and why.

        `destination` (a folder below slskd's downloads dir) needs batches, so slskd 0.26+.
        """
        if not files:
            raise ValueError("nothing to enqueue")
        if self.supports_batches():
            return self._enqueue_batch(username, files, destination)
        if destination is not None:
            raise ValueError("a download destination needs slskd 0.26 or newer")
        # The exact filename and size from the search: a wrong size ends as "Completed, Aborted".
        body = [{"filename": name, "size": int(size)} for name, size in files]
        wanted = [name for name, _ in files]
        try:
            reply = self._post_enqueue(_user_path(username), body)
        except (SlskdUnreachable, SlskdProtocolError) as exc:
            return self._salvage(username, wanted, exc)
        enqueued, failures = self._parse_enqueue_reply(reply, username)
        by_name = {t.filename: t for t in enqueued}
        missing = [name for name in wanted if name not in by_name]
        if missing:
            legacy = reply is None
            delays = RESOLVE_DELAYS if legacy else (0.0,)
            # After a 0.24+ reply a missing file was refused; only an active record is ours then.
            by_name.update(self._resolve(username, missing, active_only=not legacy, delays=delays))
        return self._result(wanted, by_name, failures)

    def _salvage(self, username: str, wanted: list[str], exc: SlskdError) -> EnqueueResult:
        """After a timeout or a 500, some files may be queued all the same: find them or re-raise.

        A slow ≤0.23 enqueue blocks until the peer answers, and its 500 (an AggregateException)
        can hide files that were queued fine; enqueueing those again would duplicate them.
        """
        timed_out = isinstance(exc, SlskdUnreachable) and exc.reason == "timeout"
        if not timed_out and not (isinstance(exc, SlskdProtocolError) and exc.status == 500):
            raise exc
        # Only an active record can be ours: a finished one with that name is an older attempt.
        try:
            found = self._resolve(username, wanted, active_only=True, delays=(0.0,))
        except SlskdError:
            found = {}
        if not found:
            raise exc
        return self._result(wanted, found, {"": EnqueueFailure("", str(exc))})

    def supports_batches(self) -> bool:
        """Whether slskd has `POST /transfers/downloads/batches` (0.26+); asked once per client."""
        if self._batches_supported is None:
            try:
                version = _version_tuple(self._get_json("/application/version", str))
            except SlskdError as exc:
                logger.info("cannot read slskd's version, using the per-user enqueue: %s", exc)
                return False
            self._batches_supported = version >= BATCHES_SINCE
        return self._batches_supported

    def _enqueue_batch(
        self, username: str, files: list[tuple[str, int]], destination: str | None
    ) -> EnqueueResult:
        """One batch with an id of ours, so a timed-out request can be looked up afterwards."""
        batch_id = str(uuid.uuid4())
        body: dict[str, Any] = {
            "id": batch_id,
            "username": username,
            "files": [{"filename": name, "size": int(size)} for name, size in files],
        }
        if destination is not None:
            body["options"] = {"destination": destination}
        wanted = [name for name, _ in files]
        try:
            reply = self._post_enqueue(BATCHES_PATH, body)
        except (SlskdUnreachable, SlskdProtocolError) as exc:
            timed_out = isinstance(exc, SlskdUnreachable) and exc.reason == "timeout"
            if not timed_out and exc.status not in (409, 500):
                raise
            reply = self._batch_after_error(batch_id, exc)
        batch = reply.get("batch") if isinstance(reply, dict) else None
        records = batch.get("transfers") if isinstance(batch, dict) else None
        enqueued, _ = self._parse_enqueue_reply({"enqueued": records}, username)
        failures = [_parse_failure(item) for item in (reply or {}).get("failures") or []]
        by_name = {t.filename: t for t in enqueued}
        missing = [name for name in wanted if name not in by_name]
        if missing:
            # "Skipped: Already in progress": the active transfer is the one to follow.
            by_name.update(self._resolve(username, missing, active_only=True, delays=(0.0,)))
        return self._result(wanted, by_name, {f.filename: f for f in failures})

    def _batch_after_error(self, batch_id: str, exc: SlskdError) -> dict:
        """After a timeout or a 500 the batch may exist all the same: its record says what."""
        try:
            batch = self._get_json(f"{BATCHES_PATH}/{segment(batch_id)}", dict)
        except SlskdError:
            raise exc from None
        return {"batch": batch, "failures": []}

    def _post_enqueue(self, path: str, body: Any) -> Any:
        """POST the files; the decoded reply, or None for the pre-0.24 empty body."""
        timeout = max(self.timeout, ENQUEUE_TIMEOUT)
        for delay in ENQUEUE_RATE_LIMIT_DELAYS:
            try:
                return self._enqueue_body(
                    self._request("POST", path, json_body=body, timeout=timeout)
                )
            except SlskdRateLimited:
                # slskd runs two enqueues at once (§6); nothing was inserted, so retrying is safe.
                self._sleep(delay)
        return self._enqueue_body(self._request("POST", path, json_body=body, timeout=timeout))

    def _enqueue_body(self, response: httpx.Response) -> Any:
        if not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError:
            # The files were accepted (2xx); the listing will tell us their ids.
            logger.warning("slskd sent an unreadable enqueue reply; resolving ids from the listing")
            return None

    def _parse_enqueue_reply(
        self, reply: Any, username: str
    ) -> tuple[list[Transfer], dict[str, EnqueueFailure]]:
        if not isinstance(reply, dict):
            return [], {}
        enqueued: list[Transfer] = []
        for item in reply.get("enqueued") or []:
            if isinstance(item, dict):
                try:
                    enqueued.append(Transfer.from_api(item, username))
                except SlskdProtocolError:
                    logger.warning("slskd sent an enqueued transfer without an id")
        failures = [_parse_failure(item) for item in reply.get("failed") or []]
        return enqueued, {f.filename: f for f in failures}

    def _resolve(
        self, username: str, filenames: list[str], *, active_only: bool, delays: tuple[float, ...]
    ) -> dict[str, Transfer]:
        """Find transfers for `filenames` in the user's listing, polling briefly for stragglers."""
        found: dict[str, Transfer] = {}
        for delay in delays:
            if delay:
                self._sleep(delay)
            listing = self.list_transfers(username=username)
            for name in filenames:
                matches = [t for t in listing if t.filename == name]
                if active_only:
                    matches = [t for t in matches if t.is_active]
                best = _newest(matches)
                if best is not None:
                    found[name] = best
            if len(found) == len(filenames):
                break
        return found

    def _result(
        self, wanted: list[str], by_name: dict[str, Transfer], failures: dict[str, EnqueueFailure]
    ) -> EnqueueResult:
        transfers = [by_name[name] for name in wanted if name in by_name]
        # 0.26 sends failures as `{}`: no filename, so its message stands for every missing file.
        anonymous = failures.get("")
        failed = [
            failures.get(name)
            or EnqueueFailure(name, anonymous.message if anonymous else "slskd did not queue it")
            for name in wanted
            if name not in by_name
        ]
        return EnqueueResult(transfers=transfers, failed=failed)

    def get_transfer(self, username: str, transfer_id: str) -> Transfer | None:
        """One transfer by id (removed ones included); None if slskd does not know it."""
        path = f"{_user_path(username)}/{segment(transfer_id)}"
        try:
            data = self._get_json(path, dict)
        except SlskdNotFound:
            return None
        return Transfer.from_api(data, username)

    def list_transfers(
        self, *, username: str | None = None, include_removed: bool = False
    ) -> list[Transfer]:
        """Every download, flattened from slskd's users -> directories -> files grouping."""
        if username is not None and not include_removed:
            try:
                data = self._get_json(_user_path(username), (dict, list))
            except SlskdNotFound:
                return []  # slskd's way of saying "no downloads from this user"
            return flatten_users([data] if isinstance(data, dict) else data)
        params = {"includeRemoved": "true" if include_removed else "false"}
        transfers = flatten_users(self._get_json("/transfers/downloads", list, params=params))
        if username is not None:
            transfers = [t for t in transfers if t.username == username]
        return transfers

    def cancel(self, username: str, transfer_id: str, remove: bool = False) -> None:
        """Cancel a transfer; `remove=True` also hides it, but only once it is Completed.

        Cancelling finishes asynchronously, so to remove an active transfer cancel it first and
        remove it once its state is Completed. An unknown id is not an error.
        """
        path = f"{_user_path(username)}/{segment(transfer_id)}"
        # ≤0.24.1 answers 404 for a transfer that is already gone.
        with contextlib.suppress(SlskdNotFound):
            self._request("DELETE", path, params={"remove": "true" if remove else "false"})

    def remove_completed(self) -> None:
        """Hide every Completed transfer (succeeded or failed) from slskd's listings."""
        self._request("DELETE", "/transfers/downloads/all/completed")

    def queue_position(self, username: str, transfer_id: str) -> int | None:
        """Ask the peer for our place in its queue (also stored as `placeInQueue`)."""
        path = f"{_user_path(username)}/{segment(transfer_id)}/position"
        try:
            return as_opt_int(self._get_json(path, (int, float, str)))
        except SlskdNotFound:
            return None

    def directory(self, username: str, remote_dir: str) -> list[DirectoryFile]:
        """The files of one remote folder with full remote paths, ready to enqueue.

        Raises `SlskdUserOffline` when the peer is offline.
        """
        path = f"/users/{segment(username)}/directory"
        response = self._request("POST", path, json_body={"directory": remote_dir})
        data = self._decode(response, (list, dict), f"POST {path}")
        # ≥0.22.3 answers an array of directories, older versions a single object.
        directories = data if isinstance(data, list) else [data]
        files: list[DirectoryFile] = []
        for directory in directories:
            if isinstance(directory, dict):
                name = as_str(directory.get("name")) or remote_dir
                items = directory.get("files")
                files += [
                    parsed
                    for item in (items if isinstance(items, list) else [])
                    if (parsed := parse_directory_file(name, item)) is not None
                ]
        return files


def _version_tuple(text: str) -> tuple[int, ...]:
    """ "0.26.0.0" or "0.26.0-dev.1+abc" -> (0, 26, 0, ...); unparsable parts count as 0."""
    parts = []
    for part in str(text).split(".")[:3]:
        digits = re.match(r"\d+", part)
        parts.append(int(digits.group()) if digits else 0)
    return tuple(parts)


def join_remote(directory: str, name: str) -> str:
    """`dir + sep + name`, with the separator the directory itself uses (§7)."""
    sep = "/" if "/" in directory and "\\" not in directory else "\\"
    if name.startswith(directory.rstrip(sep) + sep):
        return name  # a peer that already sent the full path
    return f"{directory.rstrip(sep)}{sep}{name}"


def parse_directory_file(directory: str, item: Any) -> DirectoryFile | None:
    """One browse/directory `File` (bare `filename`, flattened fields and/or `attributes`)."""
    if not isinstance(item, dict) or not as_str(item.get("filename")):
        return None
    name = item["filename"]
    values: dict[str, Any] = {}
    for attribute in item.get("attributes") or []:
        if isinstance(attribute, dict) and attribute.get("type") in ATTRIBUTE_KEYS:
            values[ATTRIBUTE_KEYS[attribute["type"]]] = attribute.get("value")
    flat = {
        "bit_rate": item.get("bitRate"),
        "bit_depth": item.get("bitDepth"),
        "sample_rate": item.get("sampleRate"),
        "length": item.get("length"),
        "is_variable_bit_rate": item.get("isVariableBitRate"),
    }
    values.update({key: value for key, value in flat.items() if value is not None})
    vbr = values.get("is_variable_bit_rate")
    # Like for search results, the name is a better source of the extension than the peer's field.
    extension = name.rpartition(".")[2] if "." in name else as_str(item.get("extension"))
    return DirectoryFile(
        filename=join_remote(directory, name),
        name=name,
        size=as_int(item.get("size")),
        extension=extension.lower(),
        bit_rate=as_opt_int(values.get("bit_rate")),
        bit_depth=as_opt_int(values.get("bit_depth")),
        sample_rate=as_opt_int(values.get("sample_rate")),
        length=as_opt_int(values.get("length")),
        is_variable_bit_rate=None if vbr is None else as_bool(vbr) or vbr == 1,
    )
