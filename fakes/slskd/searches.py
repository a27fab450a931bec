"""Searches (spec §3): records, the 2-slot queue, and the background thread that gathers replies.

The gathering follows Soulseek.NET: `searchTimeout` is an inactivity timeout reset by every
accepted response, limits end the search early, and slskd only saves the responses after the
search completed - a configurable moment later, reproducing the `isComplete` but `[]` race.
"""

from __future__ import annotations

import itertools
import random
import sys
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .httpd import HttpError, message
from .remote import SearchQuery
from .stats import Stats
from .wire import as_bool, as_int, compact, datetime_text, lower_keys, new_guid, now_ns, parse_guid

if TYPE_CHECKING:
    from .fake import FakeSlskd

INT_MAX = 2_147_483_647
# SearchRequest field -> (SearchOptions attribute, real default, parser)
_OPTION_FIELDS = {
    "searchtimeout": ("timeout_ms", 15_000, as_int),
    "responselimit": ("response_limit", 250, as_int),
    "filelimit": ("file_limit", 25_000, as_int),
    "filterresponses": ("filter_responses", True, as_bool),
    "minimumresponsefilecount": ("minimum_response_file_count", 1, as_int),
    "maximumpeerqueuelength": ("maximum_peer_queue_length", INT_MAX, as_int),
    "minimumpeeruploadspeed": ("minimum_peer_upload_speed", 0, as_int),
}


@dataclass
class SearchOptions:
    """Soulseek.NET `SearchOptions` with its real defaults (not the stale doc comments)."""

    timeout_ms: int = 15_000
    response_limit: int = 250
    file_limit: int = 25_000
    filter_responses: bool = True
    minimum_response_file_count: int = 1
    maximum_peer_queue_length: int = INT_MAX
    minimum_peer_upload_speed: int = 0

    def accepts(self, response: dict[str, Any]) -> bool:
        """The three response filters, applied only when `filterResponses` is on."""
        if not self.filter_responses:
            return True
        files = response["fileCount"] + response["lockedFileCount"]
        return (
            files >= self.minimum_response_file_count
            and response["queueLength"] < self.maximum_peer_queue_length
            and response["uploadSpeed"] >= self.minimum_peer_upload_speed
        )


@dataclass
class Search:
    """One search record, as slskd keeps it in its database."""

    id: str
    text: str
    token: int
    options: SearchOptions
    state: str = "Requested"
    started_ns: int = field(default_factory=now_ns)
    ended_ns: int | None = None
    response_count: int = 0
    file_count: int = 0
    locked_file_count: int = 0
    gathered: list[dict[str, Any]] = field(default_factory=list)  # in memory while running
    responses: list[dict[str, Any]] = field(default_factory=list)  # saved after completion
    cancel: threading.Event = field(default_factory=threading.Event)
    slot: threading.Event = field(default_factory=threading.Event)
    # The stats that count this search as in progress (a reset swaps in new ones meanwhile).
    counted_in: Stats | None = None

    @property
    def is_complete(self) -> bool:
        return "Completed" in self.state

    def to_json(self, include_responses: bool = False) -> dict[str, Any]:
        """slskd property order; `responses` is always present, `endedAt` only when done."""
        return compact(
            {
                "endedAt": datetime_text(self.ended_ns, z=True),
                "fileCount": self.file_count,
                "id": self.id,
                "isComplete": self.is_complete,
                "lockedFileCount": self.locked_file_count,
                "responseCount": self.response_count,
                "responses": list(self.responses) if include_responses else [],
                "searchText": self.text,
                "startedAt": datetime_text(self.started_ns, z=True),
                "state": self.state,
                "token": self.token,
            }
        )


def parse_search_request(body: Any) -> tuple[str | None, str, SearchOptions]:
    """Validate a SearchRequest body like slskd's ModelState checks; raises HttpError(400)."""
    if not isinstance(body, dict):
        raise HttpError(message(400, "The JSON value could not be converted to SearchRequest."))
    fields = lower_keys(body)
    search_id = None
    if fields.get("id") is not None:
        search_id = parse_guid(str(fields["id"]))
        if search_id is None:
            raise HttpError(message(400, "The JSON value could not be converted to System.Guid."))
    text = fields.get("searchtext")
    if not isinstance(text, str) or not text.strip():
        msg = "The field SearchText can not be null, empty, or consist of only whitespace"
        raise HttpError(message(400, msg))
    if not SearchQuery(text).usable:
        raise HttpError(message(400, "Search query must contain at least one non-exclusion term"))
    return search_id, text, _parse_options(fields)


def _parse_options(fields: dict[str, Any]) -> SearchOptions:
    options = SearchOptions()
    for key, (attribute, _default, parse) in _OPTION_FIELDS.items():
        if fields.get(key) is None:
            continue
        try:
            setattr(options, attribute, parse(fields[key]))
        except ValueError as exc:
            raise HttpError(message(400, f"The JSON value for {key} is invalid: {exc}")) from exc
    if options.timeout_ms < 5:
        raise HttpError(message(400, f"The field SearchTimeout must be between 5 and {INT_MAX}."))
    return options


class SearchEngine:
    """All searches of one fake; request threads and search threads share `fake.lock`."""

    def __init__(self, fake: FakeSlskd) -> None:
        self.fake = fake
        self.searches: dict[str, Search] = {}
        self.post_gate = threading.Semaphore(1)  # slskd's SemaphoreSlim(1, 1) on POST
        self._tokens = itertools.count(random.randint(1000, 9000))
        self._running = 0
        self._waiting: deque[Search] = deque()

    def start(self, search_id: str | None, text: str, options: SearchOptions) -> Search:
        """Insert the record and start gathering; raises HttpError(409/500) like slskd."""
        fake = self.fake
        with fake.lock:
            if search_id is not None and search_id in self.searches:
                msg = "An error occurred while saving the entity changes."
                raise HttpError(message(500, msg))
            search = Search(search_id or new_guid(), text, next(self._tokens), options)
            self.searches[search.id] = search
            fake.stats.searches_posted += 1
            fake.stats.search_texts.append(text)
            if not fake.connected:
                search.state, search.ended_ns = "Completed, Errored", search.started_ns
                raise HttpError(message(409, _not_connected_message()))
            search.counted_in = fake.stats
            fake.stats.search_started()
            self._take_slot_or_queue(search)
        threading.Thread(target=self._run, args=(search,), daemon=True).start()
        return search

    def get(self, search_id: str) -> Search | None:
        """The search with this id (any GUID spelling), or None."""
        key = parse_guid(search_id)
        with self.fake.lock:
            return self.searches.get(key) if key else None

    def all(self) -> list[Search]:
        """Every search in insertion (database) order."""
        with self.fake.lock:
            return list(self.searches.values())

    def stop(self, search: Search) -> None:
        """PUT: cancel if still running; it then ends `Completed, Cancelled` with its replies."""
        search.cancel.set()

    def delete(self, search: Search) -> None:
        """DELETE: cancel and forget the record and its responses."""
        search.cancel.set()
        with self.fake.lock:
            self.searches.pop(search.id, None)

    def clear(self) -> None:
        """Reset: cancel and forget everything."""
        with self.fake.lock:
            for search in self.searches.values():
                search.cancel.set()
            self.searches.clear()

    def _take_slot_or_queue(self, search: Search) -> None:
        if self._running < self.fake.config.max_concurrent_searches:
            self._running += 1
            search.state = "InProgress"
            search.slot.set()
        else:
            search.state = "Queued"
            self._waiting.append(search)

    def _release_slot(self) -> None:
        with self.fake.lock:
            while self._waiting:
                nxt = self._waiting.popleft()
                if not nxt.cancel.is_set():
                    nxt.state = "InProgress"
                    nxt.slot.set()
                    return
                nxt.slot.set()  # let a cancelled waiter finish on its own thread
            self._running -= 1

    def _run(self, search: Search) -> None:
        """Thread body; a bug must end the search Errored rather than leave it running."""
        try:
            self._lifecycle(search)
        except Exception:
            traceback.print_exc(file=sys.stderr)
            with self.fake.lock:
                _end(search, "Completed, Errored")
                search.responses = list(search.gathered)

    def _lifecycle(self, search: Search) -> None:
        while not search.slot.wait(0.05):
            if search.cancel.is_set() or self.fake.stopping.is_set():
                break
        if not search.slot.is_set():
            self._finish_unstarted(search)
            return
        if search.cancel.is_set() and search.state != "InProgress":
            self._finish(search, "Completed, Cancelled", release=False)
            return
        terminal = self._gather(search)
        self._finish(search, terminal, release=True)

    def _finish_unstarted(self, search: Search) -> None:
        with self.fake.lock:
            if search in self._waiting:
                self._waiting.remove(search)
        self._finish(search, "Completed, Cancelled", release=False)

    def _gather(self, search: Search) -> str:
        """Deliver scheduled peer replies until a limit, the inactivity timeout or a cancel."""
        cfg = self.fake.config
        timeout = cfg.scaled(search.options.timeout_ms / 1000)
        start = last = time.monotonic()
        for delay, response in self._schedule(search):
            due = start + cfg.scaled(delay)
            if due > last + timeout:
                break
            if self._wait_until(search, due):
                return "Completed, Cancelled"
            if not search.options.accepts(response):
                continue
            last = time.monotonic()
            limit = self._accept(search, response)
            if limit:
                return limit
        if self._wait_until(search, last + timeout):
            return "Completed, Cancelled"
        return "Completed, TimedOut"

    def _schedule(self, search: Search) -> list[tuple[float, dict[str, Any]]]:
        """(simulated seconds after start, Response) for every online peer with matches."""
        cfg = self.fake.config
        schedule = []
        for index, (user, files, locked) in enumerate(self.fake.network.search(search.text)):
            delay = user.search_delay
            if delay is None:
                delay = cfg.search_response_delay + index * cfg.search_response_spacing
            schedule.append((delay, _response_json(user, files, locked, search.token)))
        return sorted(schedule, key=lambda item: item[0])

    def _accept(self, search: Search, response: dict[str, Any]) -> str | None:
        """Count an accepted response; returns a terminal state when a limit is reached."""
        with self.fake.lock:
            search.gathered.append(response)
            search.response_count += 1
            search.file_count += response["fileCount"]
            search.locked_file_count += response["lockedFileCount"]
            if search.response_count >= search.options.response_limit:
                return "Completed, ResponseLimitReached"
            if search.file_count >= search.options.file_limit:
                return "Completed, FileLimitReached"
        return None

    def _wait_until(self, search: Search, deadline: float) -> bool:
        """Sleep until `deadline` (monotonic); True when cancelled or the fake is stopping."""
        while True:
            remaining = deadline - time.monotonic()
            if search.cancel.is_set() or self.fake.stopping.is_set():
                return True
            if remaining <= 0:
                return False
            search.cancel.wait(min(remaining, 0.05))

    def _finish(self, search: Search, terminal: str, *, release: bool) -> None:
        """Completed state first, responses saved `search_results_race` later (slskd order)."""
        with self.fake.lock:
            _end(search, terminal)
        if release:
            self._release_slot()
        self.fake.stopping.wait(self.fake.config.scaled(self.fake.config.search_results_race))
        with self.fake.lock:
            search.responses = list(search.gathered)


def _end(search: Search, terminal: str) -> None:
    """Enter a Completed state; the search no longer counts as in progress."""
    search.state, search.ended_ns = terminal, now_ns()
    if search.counted_in is not None:
        search.counted_in.search_ended()
        search.counted_in = None


def _response_json(user: Any, files: list[Any], locked: list[Any], token: int) -> dict[str, Any]:
    """A search `Response` in slskd's property order."""
    blank = user.blank_extensions
    return {
        "fileCount": len(files),
        "files": [f.search_json(blank_extension=blank) for f in files],
        "hasFreeUploadSlot": user.has_free_upload_slot,
        "lockedFileCount": len(locked),
        "lockedFiles": [f.search_json(blank_extension=blank) for f in locked],
        "queueLength": user.queue_length,
        "token": token,
        "uploadSpeed": user.upload_speed,
        "username": user.name,
    }


def _not_connected_message() -> str:
    return (
        "The server connection must be connected and logged in to perform a search "
        "(currently: Disconnected)"
    )
