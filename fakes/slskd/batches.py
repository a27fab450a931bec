"""`POST /transfers/downloads/batches` and `GET .../batches/{id}`, as slskd 0.26 has them.

0.26 marks `POST /transfers/downloads/{username}` obsolete in favour of batches: one request per
peer, an optional client-chosen id and search id, `options.destination`, and a reply that keeps
every refusal's reason: 201 (all queued), 207 (some refused) or 200 (none queued), each with
`{batch, failures: [{filename, message}]}`. A fake set to an older version has no such route: the
request falls through to the per-user enqueue with the username "batches", as on a real 0.25.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .httpd import HttpError, Reply, json_reply, message
from .remote import has_traversal
from .transfers import TOO_MANY
from .wire import as_int, compact, datetime_text, lower_keys, new_guid, now_ns, parse_guid

if TYPE_CHECKING:
    from .fake import FakeSlskd

ALREADY = "Skipped: Already in progress"


@dataclass
class Batch:
    username: str
    id: str = field(default_factory=new_guid)
    search_id: str | None = None
    destination: str | None = None
    created_ns: int = field(default_factory=now_ns)

    def to_json(self, transfers: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        return compact(
            {
                "searchId": self.search_id,
                "id": self.id,
                "username": self.username,
                "direction": "Download",
                "createdAt": datetime_text(self.created_ns, z=True),
                "transfers": transfers,
                "options": compact({"destination": self.destination}),
            }
        )


@dataclass
class BatchRequest:
    username: str
    files: list[tuple[str, int]]
    id: str | None
    search_id: str | None
    destination: str | None


def parse_batch_request(body: Any) -> BatchRequest:
    """ASP.NET model validation of `EnqueueDownloadBatchRequest` (400 with a sentence)."""
    if not isinstance(body, dict):
        raise HttpError(message(400, "The JSON value could not be converted."))
    fields = lower_keys(body)
    username = fields.get("username")
    if not isinstance(username, str) or not username.strip():
        raise HttpError(message(400, "The Username field is required."))
    files = fields.get("files")
    if not isinstance(files, list) or not files:
        raise HttpError(message(400, "The field Files must have a minimum length of 1."))
    parsed = [_parse_file(item) for item in files]
    if len({name for name, _ in parsed}) != len(parsed):
        raise HttpError(message(400, "Two or more files in the request are repeated"))
    ids = [fields.get("id"), fields.get("searchid")]
    guids = [
        parse_guid(value) if isinstance(value, str) and value.strip() else None for value in ids
    ]
    if any(value and not guid for value, guid in zip(ids, guids, strict=True)):
        raise HttpError(message(400, "One or more provided identifiers is not a valid GUID/UUID"))
    options = fields.get("options")
    destination = lower_keys(options).get("destination") if isinstance(options, dict) else None
    if destination is not None:
        _check_destination(destination)
    return BatchRequest(username, parsed, guids[0], guids[1], destination)


def _parse_file(item: Any) -> tuple[str, int]:
    if not isinstance(item, dict):
        raise HttpError(message(400, "One or more files in the request are null"))
    fields = lower_keys(item)
    filename = fields.get("filename")
    if not isinstance(filename, str) or not filename.strip():
        raise HttpError(message(400, "The Filename field is required."))
    if has_traversal(filename):
        raise HttpError(
            message(400, f"The field Filename contains a traversal segment: {filename}")
        )
    if fields.get("size") is None:
        raise HttpError(message(400, "The Size field is required."))
    try:
        size = as_int(fields["size"])
    except ValueError as exc:
        raise HttpError(message(400, f"The JSON value for size is invalid: {exc}")) from exc
    if size < 0:
        raise HttpError(message(400, "The field Size must be between 0 and 9223372036854775807."))
    return filename, size


def _check_destination(destination: Any) -> None:
    if not isinstance(destination, str) or not destination.strip():
        raise HttpError(message(400, "The field Destination must not be empty or whitespace."))
    if destination.startswith(("/", "\\")) or destination[1:3] in (":\\", ":/"):
        raise HttpError(message(400, "The field Destination must be a relative path."))
    if has_traversal(destination):
        raise HttpError(message(400, "The field Destination contains a traversal segment."))


def _enqueue_errors(user: Any, files: list[tuple[str, int]]) -> dict[str, str]:
    """Files whose share scripts an enqueue error, by remote name."""
    scripted = {f.remote: f.enqueue_error for f in user.files if f.enqueue_error} if user else {}
    return {name: scripted[name] for name, _ in files if name in scripted}


class BatchEngine:
    """Batch records of one fake; the transfers themselves live in `TransferEngine`."""

    def __init__(self, fake: FakeSlskd) -> None:
        self.fake = fake
        self.batches: dict[str, Batch] = {}

    def enqueue(self, body: Any) -> Reply:
        request = parse_batch_request(body)
        engine = self.fake.transfers
        if not engine.enqueue_gate.acquire(blocking=False):
            return message(429, TOO_MANY)
        try:
            time.sleep(self.fake.config.enqueue_post_hold)
            user = self.fake.network.user(request.username)
            if self.fake.connected and (user is None or not user.online):
                return message(404, f"User {request.username} appears to be offline")
            engine.require_connected()
            batch = Batch(request.username, search_id=request.search_id)
            batch.id = request.id or batch.id
            batch.destination = request.destination
            with self.fake.lock:
                if batch.id in self.batches:
                    return message(409, f"A batch with ID {batch.id} already exists")
                self.batches[batch.id] = batch
            errors = _enqueue_errors(user, request.files)
            accepted = [(name, size) for name, size in request.files if name not in errors]
            enqueued, skipped = engine.insert(
                request.username, accepted, initial="Queued, Locally", batch_id=batch.id
            )
            transfers_json = [t.to_json(utc_kind=True) for t in enqueued]
            engine.start_workers(enqueued)
        finally:
            engine.enqueue_gate.release()
        failures = [{"filename": name, "message": ALREADY} for name in skipped]
        failures += [
            {"filename": name, "message": f"Error: {text}"} for name, text in errors.items()
        ]
        reply = {"batch": batch.to_json(transfers_json), "failures": failures}
        status = 200 if len(failures) == len(request.files) else 207 if failures else 201
        return json_reply(reply, status)

    def get(self, batch_id: str) -> Batch | None:
        key = parse_guid(batch_id)
        if key is None:
            raise HttpError(message(400, f"The specified id {batch_id} is not a valid GUID/UUID"))
        with self.fake.lock:
            return self.batches.get(key)

    def clear(self) -> None:
        with self.fake.lock:
            self.batches.clear()
