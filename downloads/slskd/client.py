"""`SlskdClient`: the only object in SoulSpot that talks to slskd.

It takes plain constructor arguments so it can be built in tests without Django; see
`downloads.slskd.client_from_settings` for the configured one.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from . import destination, download_paths
from .base import DEFAULT_USER_AGENT, logger, segment
from .budget import SearchBudget
from .errors import SlskdError, SlskdNotFound, SlskdUnauthorized, SlskdUnreachable
from .replies import (
    RETRY_MAX_DELAY,
    AppState,
    Event,
    HealthResult,
    Transfer,
    as_datetime,
    as_int,
    as_str,
)
from .search_api import SearchMixin
from .transfer_api import TransferMixin

HEALTH_TIMEOUT = 5.0
EVENT_PAGE_SIZE = 500
# Events older than this are not looked at (unless the transfer says when it ended).
EVENT_LOOKBACK = timedelta(days=1)
# A backstop against a daemon whose timestamps never get older: 100,000 events.
EVENT_MAX_PAGES = 200
# slskd stamps the event with the transfer's end; allow for clocks and the move after it.
EVENT_SLACK = timedelta(minutes=5)
DOWNLOAD_COMPLETE = "DownloadFileComplete"
# Shared by every client built without a budget (tests, scripts): one window per process.
_PROCESS_BUDGET = SearchBudget()


class SlskdClient(SearchMixin, TransferMixin):
    """Typed access to one slskd daemon. Every failure is a `SlskdError` subclass.

    `downloads_dir` is slskd's downloads folder as *this* process sees it (it may be mounted
    elsewhere than slskd's own `/app/downloads`); `budget` is the shared search budget.
    `sleep` and `clock` exist so tests can run polling loops instantly.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        downloads_dir: Path | None = None,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        budget: SearchBudget | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            base_url,
            api_key,
            timeout=timeout,
            transport=transport,
            user_agent=user_agent,
            sleep=sleep,
            clock=clock,
        )
        self.configured_downloads_dir = Path(downloads_dir) if downloads_dir else None
        # Without a shared budget, at least keep this process within the default limit.
        self.budget = budget if budget is not None else _PROCESS_BUDGET
        self._options: dict | None = None
        self._batches: dict[str, dict] = {}
        self._batches_supported: bool | None = None

    def __enter__(self) -> SlskdClient:
        return self

    # -- application -------------------------------------------------------------------------

    def application_state(self) -> AppState:
        """Version and Soulseek server connection from `GET /application`."""
        return AppState.from_api(self._get_json("/application", dict, timeout=HEALTH_TIMEOUT))

    def version(self) -> str:
        """slskd's version string, e.g. "0.26.0.0"."""
        return as_str(self._get_json("/application/version", str), "unknown")

    def check(self) -> HealthResult:
        """Readiness for the health endpoint; never raises."""
        try:
            state = self.application_state()
        except SlskdUnauthorized as exc:
            return HealthResult("unauthorized", f"{exc}; check SLSKD_API_KEY")
        except SlskdUnreachable as exc:
            return HealthResult("unreachable", str(exc))
        except SlskdError as exc:
            return HealthResult("error", str(exc))
        if state.is_logged_in:
            return HealthResult(
                "connected", f"slskd {state.version}: {state.server_state}", state.version
            )
        detail = f"slskd {state.version} is not logged in to Soulseek ({state.server_state})"
        return HealthResult("not_logged_in", detail, state.version)

    def options(self) -> dict:
        """slskd's current options (secrets redacted by slskd); cached for this client."""
        if self._options is None:
            self._options = self._get_json("/options", dict)
        return self._options

    def _option(self, *keys: str) -> Any:
        node: Any = self.options()
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
        return node

    def downloads_dir(self) -> Path | None:
        """slskd's downloads folder as this process can reach it, or None if unknown.

        SLSKD_DOWNLOADS_DIR wins because slskd's own path is often inside its container; slskd's
        `directories.downloads` is used only if it exists here too (same host, same mounts).
        """
        if self.configured_downloads_dir is not None:
            return self.configured_downloads_dir
        try:
            reported = as_str(self._option("directories", "downloads"))
        except SlskdError as exc:
            logger.info("cannot read slskd's downloads directory: %s", exc)
            return None
        return Path(reported) if reported and Path(reported).is_dir() else None

    def download_retry_attempts(self) -> int:
        """How many attempts slskd makes per download (0.26+ retries; 1 before)."""
        return max(as_int(self._option("transfers", "download", "retry", "attempts"), 1), 1)

    def download_retry_max_delay(self) -> timedelta:
        """slskd's longest wait between two attempts (`retry.maxDelay`, milliseconds)."""
        try:
            millis = as_int(self._option("transfers", "download", "retry", "maxDelay"), 0)
        except SlskdError as exc:
            logger.info("cannot read slskd's retry options: %s", exc)
            millis = 0
        return timedelta(milliseconds=millis) if millis > 0 else RETRY_MAX_DELAY

    # -- events and local files ----------------------------------------------------------------

    def events(self, *, offset: int = 0, limit: int = EVENT_PAGE_SIZE) -> list[Event]:
        """A page of slskd's events, newest first, with `data` decoded from its JSON string."""
        params = {"offset": str(offset), "limit": str(limit)}
        items = self._get_json("/events", list, params=params)
        return [event for item in items if (event := _parse_event(item)) is not None]

    def download_event(
        self,
        transfer_id: str | None,
        remote_filename: str = "",
        username: str = "",
        *,
        since: datetime | None = None,
    ) -> Event | None:
        """The newest `DownloadFileComplete` event for a transfer id (or a remote filename).

        slskd's events API has no filter, so pages are read (newest first) until the events are
        older than `since` (default: one day ago); a busy daemon may log thousands a day.
        """
        since = since or datetime.now(UTC) - EVENT_LOOKBACK
        for page in range(EVENT_MAX_PAGES):
            batch = self.events(offset=page * EVENT_PAGE_SIZE)
            for event in batch:
                if event.type == DOWNLOAD_COMPLETE and _event_matches(
                    event, transfer_id, remote_filename, username
                ):
                    return event
            oldest = batch[-1].timestamp if batch else None
            if len(batch) < EVENT_PAGE_SIZE or (oldest is not None and oldest < since):
                break
        return None

    def local_path_for(self, target: Transfer | str, username: str | None = None) -> Path | None:
        """The downloaded file on disk, or None if it is not there (yet) or its name is unsafe.

        Prefers slskd's `DownloadFileComplete` event; falls back to the path slskd's own rules
        give (see `destination`) and slskd's `_<ticks>` clash renames, picking the newest whose
        size matches. The result is always inside the downloads dir.
        """
        root = self.downloads_dir()
        if root is None:
            return None
        since = None
        if isinstance(target, Transfer):
            filename, size, transfer_id = target.filename, target.size, target.id
            username = username or target.username
            since = target.ended_at - EVENT_SLACK if target.ended_at else None
        else:
            filename, size, transfer_id = target, None, None
        from_event = self._path_from_event(root, transfer_id, filename, username or "", since)
        if from_event is not None:
            return from_event
        relative = self.relative_download_path(target, username)
        return download_paths.find_downloaded_file(root, relative, size)

    def expected_local_path(
        self, target: Transfer | str, username: str | None = None
    ) -> Path | None:
        """Where slskd would save the file without a clash (no existence check)."""
        root = self.downloads_dir()
        relative = self.relative_download_path(target, username) if root is not None else None
        return download_paths.expected_path(root, relative) if root is not None else None

    def relative_download_path(
        self, target: Transfer | str, username: str | None = None
    ) -> str | None:
        """slskd's destination for a download, relative to its downloads dir (None: unsafe)."""
        filename = target.filename if isinstance(target, Transfer) else target
        pattern = self.destination_subdirectory()
        if pattern is None:
            return destination.legacy_relative_path(filename)
        origin = self._origin(target, username or "", pattern)
        return destination.relative_path(filename, pattern, origin)

    def destination_subdirectory(self) -> str | None:
        """slskd's `transfers.download.destination.subdirectory`; None before 0.26 (no option).

        An slskd whose options cannot be read is taken to be current, with the default pattern.
        """
        try:
            download = self._option("transfers", "download")
        except SlskdError as exc:
            logger.info("cannot read slskd's destination options: %s", exc)
            return destination.DEFAULT_SUBDIRECTORY
        if not isinstance(download, dict) or not isinstance(download.get("destination"), dict):
            return None
        return as_str(download["destination"].get("subdirectory")) or None

    def _origin(self, target: Transfer | str, username: str, pattern: str) -> destination.Origin:
        """The batch (and its search) a transfer came from, as far as the pattern needs them."""
        if isinstance(target, Transfer):
            username = username or target.username
        batch_id = target.batch_id if isinstance(target, Transfer) else None
        if not batch_id:
            return destination.Origin(username=username)
        batch = self._batch_record(batch_id)
        options = batch.get("options") if isinstance(batch.get("options"), dict) else {}
        search_id = as_str(batch.get("searchId")) or None
        search_text = None
        if search_id and "search_text" in pattern.lower():
            search_text = self._search_text(search_id)
        return destination.Origin(
            username=username,
            batch_id=batch_id,
            batch_destination=as_str(options.get("destination")) or None,
            search_id=search_id,
            search_text=search_text,
        )

    def _batch_record(self, batch_id: str) -> dict:
        """`GET /transfers/downloads/batches/{id}` (cached); {} if slskd cannot say."""
        if batch_id not in self._batches:
            try:
                path = f"/transfers/downloads/batches/{segment(batch_id)}"
                self._batches[batch_id] = self._get_json(path, dict)
            except SlskdError as exc:
                logger.info("cannot read slskd batch %s: %s", batch_id, exc)
                return {}
        return self._batches[batch_id]

    def _search_text(self, search_id: str) -> str | None:
        try:
            search = self._get_json(f"/searches/{segment(search_id)}", dict)
        except SlskdError:
            return None  # slskd, too, falls back to "unknown_search_text" for a deleted search
        return as_str(search.get("searchText")) or None

    def _path_from_event(
        self,
        root: Path,
        transfer_id: str | None,
        filename: str,
        username: str,
        since: datetime | None = None,
    ) -> Path | None:
        try:
            event = self.download_event(transfer_id, filename, username, since=since)
        except SlskdNotFound:
            return None  # slskd before 0.22 has no events API
        except SlskdError as exc:
            logger.info("slskd events unavailable, computing the local path: %s", exc)
            return None
        local = as_str(event.data.get("localFilename")) if event else ""
        if not local:
            return None
        mapped = download_paths.map_event_path(local, self._slskd_downloads_root(), root)
        if mapped is None:
            logger.warning("ignoring slskd event path outside the downloads dir: %r", local)
        return mapped if mapped is not None and mapped.is_file() else None

    def _slskd_downloads_root(self) -> str | None:
        """slskd's own path for its downloads folder, used to re-root event paths."""
        try:
            return as_str(self._option("directories", "downloads")) or None
        except SlskdError:
            return None


def _parse_event(item: Any) -> Event | None:
    if not isinstance(item, dict):
        return None
    data = item.get("data")
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            data = None
    return Event(
        id=as_str(item.get("id")),
        type=as_str(item.get("type")),
        timestamp=as_datetime(item.get("timestamp")),
        data=data if isinstance(data, dict) else {},
    )


def _event_matches(
    event: Event, transfer_id: str | None, remote_filename: str, username: str
) -> bool:
    transfer = event.data.get("transfer")
    transfer = transfer if isinstance(transfer, dict) else {}
    if transfer_id:
        return as_str(transfer.get("id")).lower() == transfer_id.lower()
    if as_str(event.data.get("remoteFilename")) != remote_filename:
        return False
    return not username or as_str(transfer.get("username")) == username
