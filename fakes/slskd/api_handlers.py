"""Search, user/browse and transfer endpoints (spec §3, §4, §7): thin layers over the engines."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from .httpd import HttpError, Reply, Request, empty, json_reply, message
from .network import User
from .remote import directory_name
from .searches import Search, parse_search_request
from .transfers import TOO_MANY
from .wire import lower_keys

if TYPE_CHECKING:
    from .fake import FakeSlskd


# --- searches -----------------------------------------------------------------------------


def post_search(fake: FakeSlskd, req: Request) -> Reply:
    """Validate, then hold slskd's one-at-a-time semaphore while the record is created."""
    search_id, text, options = parse_search_request(req.json())
    if not fake.searches.post_gate.acquire(blocking=False):
        return message(429, TOO_MANY)
    try:
        time.sleep(fake.config.search_post_hold)
        search = fake.searches.start(search_id, text, options)
    finally:
        fake.searches.post_gate.release()
    return json_reply(search.to_json())


def list_searches(fake: FakeSlskd, req: Request) -> Reply:
    return json_reply([s.to_json() for s in fake.searches.all()])


def get_search(fake: FakeSlskd, req: Request) -> Reply:
    search = _search(fake, req)
    return json_reply(search.to_json(include_responses=req.flag("includeResponses")))


def search_responses(fake: FakeSlskd, req: Request) -> Reply:
    """`[]` until slskd has saved the responses, i.e. after completion (and the race window)."""
    return json_reply(list(_search(fake, req).responses))


def stop_search(fake: FakeSlskd, req: Request) -> Reply:
    fake.searches.stop(_search(fake, req))
    return empty(200)


def delete_search(fake: FakeSlskd, req: Request) -> Reply:
    fake.searches.delete(_search(fake, req))
    return empty(204)


def _search(fake: FakeSlskd, req: Request) -> Search:
    search = fake.searches.get(req.params["id"])
    if search is None:
        raise HttpError(empty(404))
    return search


# --- users ---------------------------------------------------------------------------------


def user_info(fake: FakeSlskd, req: Request) -> Reply:
    user = _reachable_user(fake, req)
    return json_reply(
        {
            "description": user.description,
            "hasFreeUploadSlot": user.has_free_upload_slot,
            "hasPicture": False,
            "queueLength": user.queue_length,
            "uploadSlots": user.upload_slots,
        }
    )


def user_status(fake: FakeSlskd, req: Request) -> Reply:
    """From the server, so an offline (or unknown) peer is 200 `Offline`, not 404."""
    _require_connected(fake)
    user = fake.network.user(req.params["username"])
    presence = "Online" if user is not None and user.online else "Offline"
    return json_reply({"isPrivileged": False, "presence": presence})


def user_endpoint(fake: FakeSlskd, req: Request) -> Reply:
    _reachable_user(fake, req)
    return json_reply({"addressFamily": "InterNetwork", "address": "127.0.0.2", "port": 2234})


def user_browse(fake: FakeSlskd, req: Request) -> Reply:
    """The whole share: unlocked directories and locked ones separately."""
    user = _reachable_user(fake, req)
    unlocked = _directories(user, [f for f in user.files if not f.locked])
    locked = _directories(user, [f for f in user.files if f.locked])
    return json_reply(
        {
            "directories": unlocked,
            "directoryCount": len(unlocked),
            "lockedDirectories": locked,
            "lockedDirectoryCount": len(locked),
        }
    )


def user_browse_status(fake: FakeSlskd, req: Request) -> Reply:
    """Browses complete instantly here, so there is never one in progress."""
    return empty(404)


def user_directory(fake: FakeSlskd, req: Request) -> Reply:
    """POST /users/{u}/directory: an array with one Directory (0.22.3+ shape)."""
    body = req.json()
    fields = lower_keys(body) if isinstance(body, dict) else {}
    name = fields.get("directory")
    if not isinstance(name, str) or not name.strip():
        return message(400, "The Directory field is required.")
    user = _reachable_user(fake, req)
    files = [f for f in user.files if not f.locked and directory_name(f.remote) == name]
    directory = _directories(user, files) or [{"name": name, "fileCount": 0, "files": []}]
    return json_reply(directory)


def _directories(user: User, files: list[Any]) -> list[dict[str, Any]]:
    grouped: dict[str, list[Any]] = {}
    for shared in files:
        grouped.setdefault(directory_name(shared.remote), []).append(shared)
    blank = user.blank_extensions
    return [
        {
            "name": name,
            "fileCount": len(members),
            "files": [f.browse_json(blank_extension=blank) for f in members],
        }
        for name, members in grouped.items()
    ]


def _reachable_user(fake: FakeSlskd, req: Request) -> User:
    """Peer-to-peer calls: 404 with a JSON message when the peer is offline or unknown."""
    _require_connected(fake)
    name = req.params["username"]
    user = fake.network.user(name)
    if user is None or not user.online:
        raise HttpError(message(404, f"User {name} appears to be offline"))
    return user


def _require_connected(fake: FakeSlskd) -> None:
    if not fake.connected:
        msg = "The server connection must be connected and logged in (currently: Disconnected)"
        raise HttpError(message(500, msg))


# --- transfers -----------------------------------------------------------------------------


def list_downloads(fake: FakeSlskd, req: Request) -> Reply:
    """An array grouped by user and directory; removed records only with includeRemoved."""
    return json_reply(fake.transfers.listing(include_removed=req.flag("includeRemoved")))


def user_downloads(fake: FakeSlskd, req: Request) -> Reply:
    """One object (not an array); 404 when the user has no records that are not removed."""
    groups = fake.transfers.listing(username=req.params["username"])
    return json_reply(groups[0]) if groups else empty(404)


def enqueue(fake: FakeSlskd, req: Request) -> Reply:
    if fake.config.enqueue_mode == "legacy" and not req.body.strip():
        return message(500, "Object reference not set to an instance of an object.")
    return fake.transfers.enqueue(req.params["username"], req.json())


def enqueue_batch(fake: FakeSlskd, req: Request) -> Reply:
    """0.26+; an older slskd routes this to the per-user enqueue of a user named "batches"."""
    if not fake.config.is_026:
        req.params["username"] = "batches"
        return enqueue(fake, req)
    return fake.batches.enqueue(req.json())


def get_batch(fake: FakeSlskd, req: Request) -> Reply:
    if not fake.config.is_026:
        req.params["username"] = "batches"
        return get_download(fake, req)
    batch = fake.batches.get(req.params["id"])
    if batch is None:
        return empty(404)
    with fake.lock:
        records = [t.to_json() for t in fake.transfers.transfers.values() if t.batch_id == batch.id]
    return json_reply(batch.to_json(records))


def get_download(fake: FakeSlskd, req: Request) -> Reply:
    transfer = fake.transfers.find(req.params["id"])
    return json_reply(transfer.to_json()) if transfer else empty(404)


def cancel_download(fake: FakeSlskd, req: Request) -> Reply:
    return fake.transfers.cancel(req.params["id"], remove=req.flag("remove"))


def remove_completed(fake: FakeSlskd, req: Request) -> Reply:
    fake.transfers.remove_completed()
    return empty(204)


def download_position(fake: FakeSlskd, req: Request) -> Reply:
    """Ask the peer for the queue position; also stored in `placeInQueue`."""
    transfer = fake.transfers.find(req.params["id"])
    if transfer is None:
        return empty(404)
    user = fake.network.user(transfer.username)
    if user is None or not user.online:
        return message(500, f"User {transfer.username} appears to be offline")
    position = max(1, user.queue_length) if transfer.state == "Queued, Remotely" else 0
    with fake.lock:
        transfer.place_in_queue = position
    return json_reply(position)


def list_uploads(fake: FakeSlskd, req: Request) -> Reply:
    """The fake never uploads."""
    return json_reply([])
