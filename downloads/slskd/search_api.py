"""Searches (spec §3): start, poll until `isComplete`, read responses past the empty window, delete.

The engine can drive a search over several short periodic tasks with `start_search`,
`search_state` and `finish_search`; `search` does the whole thing in one blocking call.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from .base import BaseClient, logger, segment
from .budget import SearchBudget
from .errors import SlskdError, SlskdNotFound, SlskdNotLoggedIn, SlskdRateLimited
from .replies import SearchResult, SearchState

# slskd handles one POST /searches at a time (429 otherwise, §3.1): don't race ourselves.
_SEARCH_POST_LOCK = threading.Lock()
RATE_LIMIT_DELAYS = (0.5, 1.0, 2.0, 4.0)
POLL_INTERVAL = 0.75
# The web UI waits 500 ms after isComplete before reading responses (§3.3, issue #246).
SETTLE_DELAY = 0.5
EMPTY_RESPONSE_RETRIES = 4
STOP_GRACE_SECONDS = 15.0


class SearchMixin(BaseClient):
    """Search endpoints; mixed into `SlskdClient`."""

    budget: SearchBudget

    def start_search(
        self,
        text: str,
        *,
        search_id: str | None = None,
        timeout_ms: int = 15000,
        response_limit: int = 100,
        file_limit: int = 10000,
        filter_responses: bool = True,
        minimum_response_file_count: int = 1,
        maximum_peer_queue_length: int | None = None,
        minimum_peer_upload_speed: int = 0,
        wait_for_budget: bool = False,
    ) -> SearchState:
        """Spend one search from the shared budget and start it; returns the initial state.

        Raises `SearchBudgetExhausted` (with `retry_after_seconds`) unless `wait_for_budget`,
        `SlskdNotLoggedIn` when slskd is not on the Soulseek network, and `ValueError` for a
        blank text. `timeout_ms` is slskd's inactivity timeout, in milliseconds; a `search_id`
        must be a GUID (slskd refuses anything else).
        """
        if not text or not text.strip():
            raise ValueError("search text is empty")
        body: dict[str, Any] = {
            "id": search_id or str(uuid.uuid4()),
            "searchText": text.strip(),
            "searchTimeout": max(int(timeout_ms), 5),
            "responseLimit": int(response_limit),
            "fileLimit": int(file_limit),
            "filterResponses": filter_responses,
            "minimumResponseFileCount": int(minimum_response_file_count),
            "minimumPeerUploadSpeed": int(minimum_peer_upload_speed),
        }
        if maximum_peer_queue_length is not None:
            body["maximumPeerQueueLength"] = int(maximum_peer_queue_length)
        self.budget.acquire(wait=wait_for_budget)
        data = self._post_search(body)
        # An older slskd may omit fields; the id we chose is the one we will poll.
        return SearchState.from_api({"id": body["id"], "searchText": body["searchText"], **data})

    def _post_search(self, body: dict[str, Any]) -> dict:
        with _SEARCH_POST_LOCK:
            for delay in RATE_LIMIT_DELAYS:
                try:
                    return self._post_search_once(body)
                except SlskdRateLimited:
                    # Another SoulSpot process (or the user's web UI) is posting a search.
                    self._sleep(delay)
            return self._post_search_once(body)

    def _post_search_once(self, body: dict[str, Any]) -> dict:
        statuses: dict[int, type[SlskdError]] = {409: SlskdNotLoggedIn}
        response = self._request("POST", "/searches", json_body=body, statuses=statuses)
        return self._decode(response, dict, "POST /searches")

    def search_state(self, search_id: str) -> SearchState:
        """The search's state and counters (never its responses). 404 -> `SlskdNotFound`."""
        path = f"/searches/{segment(search_id)}"
        data = self._get_json(path, dict, params={"includeResponses": "false"})
        return SearchState.from_api(data)

    def search_responses(self, search_id: str) -> list[dict]:
        """The raw `Response` dicts; `[]` until slskd has saved them after completion."""
        data = self._get_json(f"/searches/{segment(search_id)}/responses", list)
        return [item for item in data if isinstance(item, dict)]

    def collect_responses(self, search_id: str, response_count: int) -> list[dict]:
        """Responses of a completed search, retried while slskd has not saved them yet.

        slskd marks a search complete before it writes the responses (§3.3), so `[]` with a
        positive `response_count` means "not yet", not "nothing found".
        """
        self._sleep(SETTLE_DELAY)
        responses = self.search_responses(search_id)
        for attempt in range(1, EMPTY_RESPONSE_RETRIES + 1):
            if responses or response_count <= 0:
                break
            self._sleep(SETTLE_DELAY * attempt)
            responses = self.search_responses(search_id)
        return responses

    def finish_search(
        self, search_id: str, *, state: SearchState | None = None, delete: bool = True
    ) -> SearchResult:
        """Read a completed search's responses, then delete it from slskd unless `delete=False`."""
        state = state or self.search_state(search_id)
        responses = self.collect_responses(search_id, state.response_count)
        if delete:
            self._delete_quietly(search_id)
        return SearchResult.from_state(state, responses)

    def stop_search(self, search_id: str) -> bool:
        """Stop a running search (its responses so far are kept). False if slskd doesn't know it."""
        try:
            self._request("PUT", f"/searches/{segment(search_id)}")
        except SlskdNotFound:
            return False
        return True

    def delete_search(self, search_id: str) -> bool:
        """Delete a search and its responses. False if it was already gone."""
        try:
            self._request("DELETE", f"/searches/{segment(search_id)}")
        except SlskdNotFound:
            return False
        return True

    def search(self, text: str, *, max_wait_s: float | None = None, **options: Any) -> SearchResult:
        """Run a whole search, blocking until it completes (or `max_wait_s`, then stop it).

        `options` are those of `start_search`. The search is deleted from slskd afterwards.
        """
        state = self.start_search(text, **options)
        timeout_s = int(options.get("timeout_ms", 15000)) / 1000
        limit = max_wait_s if max_wait_s is not None else max(60.0, 6 * timeout_s)
        try:
            state = self.wait_for_search(state.id, limit)
        except SlskdError:
            self._delete_quietly(state.id)
            raise
        return self.finish_search(state.id, state=state)

    def wait_for_search(self, search_id: str, max_wait_s: float) -> SearchState:
        """Poll until `isComplete`; past `max_wait_s`, stop the search and wait a little more.

        Queued and Requested are not done (slskd runs two searches at once and queues the rest).
        Returns the last state seen, which is incomplete only if slskd ignored the stop.
        """
        deadline = self._clock() + max_wait_s
        stopped = False
        while True:
            self._sleep(POLL_INTERVAL)
            state = self.search_state(search_id)
            if state.is_complete:
                return state
            if self._clock() < deadline:
                continue
            if stopped:
                logger.warning("slskd search %s did not complete after a stop", search_id)
                return state
            self.stop_search(search_id)
            stopped = True
            deadline = self._clock() + STOP_GRACE_SECONDS

    def _delete_quietly(self, search_id: str) -> None:
        # A search left behind only costs slskd disk space; never lose results over it.
        try:
            self.delete_search(search_id)
        except SlskdError as exc:
            logger.info("could not delete slskd search %s: %s", search_id, exc)
