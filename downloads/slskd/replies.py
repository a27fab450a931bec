"""Typed, defensively parsed views of what slskd sends back.

slskd omits null properties instead of sending `null`, writes enums as PascalCase strings and
[Flags] enums as `"Completed, Succeeded"`, and sometimes sends numbers as strings. Every parser
here tolerates missing keys and wrong scalar types; only a missing identity (an id, a filename)
makes a record unusable, and that raises `SlskdProtocolError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from .errors import SlskdProtocolError

# Transfer state flag -> the failure kind callers switch on.
FAILURE_KINDS = {
    "Rejected": "rejected",
    "Errored": "errored",
    "TimedOut": "timed_out",
    "Cancelled": "cancelled",
    "Aborted": "aborted",
}
# slskd 0.26 never retries these (§4.6): the peer said no, the user said no, or the size is wrong.
NEVER_RETRIED = frozenset({"rejected", "cancelled", "aborted"})
# slskd's default `transfers.download.retry.maxDelay` (Options.cs, 0.26.0), used when slskd's own
# value cannot be read: a failure that stayed failed longer than this is not being retried.
RETRY_MAX_DELAY = timedelta(seconds=60)


def parse_flags(state: str) -> frozenset[str]:
    """`"Completed, Succeeded"` -> {"Completed", "Succeeded"}."""
    return frozenset(part.strip() for part in state.split(",") if part.strip())


def as_opt_int(value: Any) -> int | None:
    """An int from an int, float or numeric string; None when absent or unusable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str):
        try:
            return int(float(value))
        except ValueError:
            return None
    return None


def as_int(value: Any, default: int = 0) -> int:
    parsed = as_opt_int(value)
    return default if parsed is None else parsed


def as_float(value: Any, default: float = 0.0) -> float:
    if isinstance(value, bool):
        return default
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return default
    return default


def as_str(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default


def as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value is True


def as_datetime(value: Any) -> datetime | None:
    """ISO-8601 with 7 fractional digits; values without `Z` (requestedAt) are UTC too."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def require_str(data: dict, key: str, what: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise SlskdProtocolError(f"slskd sent a {what} without a {key!r}")
    return value


@dataclass(frozen=True)
class AppState:
    """`GET /application`, reduced to what SoulSpot needs."""

    version: str
    server_state: str
    is_logged_in: bool
    is_connected: bool

    @classmethod
    def from_api(cls, data: dict) -> AppState:
        version = data.get("version")
        if isinstance(version, dict):
            version = version.get("current") or version.get("full")
        server = data.get("server") if isinstance(data.get("server"), dict) else {}
        state = as_str(server.get("state"), "Unknown")
        flags = parse_flags(state)
        return cls(
            version=as_str(version, "unknown"),
            server_state=state,
            is_logged_in=as_bool(server.get("isLoggedIn")) or "LoggedIn" in flags,
            is_connected=as_bool(server.get("isConnected")) or "Connected" in flags,
        )


@dataclass(frozen=True)
class HealthResult:
    """Readiness of slskd.

    status: connected | not_logged_in | unauthorized | unreachable | error.
    """

    status: str
    detail: str
    version: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "connected"


@dataclass(frozen=True)
class SearchState:
    """One search as `GET /searches/{id}` reports it (without responses)."""

    id: str
    search_text: str
    state: str
    is_complete: bool
    response_count: int
    file_count: int
    locked_file_count: int
    started_at: datetime | None
    ended_at: datetime | None

    @classmethod
    def from_api(cls, data: dict) -> SearchState:
        state = as_str(data.get("state"), "None")
        complete = data.get("isComplete")
        return cls(
            id=require_str(data, "id", "search"),
            search_text=as_str(data.get("searchText")),
            state=state,
            # isComplete is authoritative; the flags are a fallback for a reply that lacks it.
            is_complete=complete
            if isinstance(complete, bool)
            else "Completed" in parse_flags(state),
            response_count=as_int(data.get("responseCount")),
            file_count=as_int(data.get("fileCount")),
            locked_file_count=as_int(data.get("lockedFileCount")),
            started_at=as_datetime(data.get("startedAt")),
            ended_at=as_datetime(data.get("endedAt")),
        )


@dataclass(frozen=True)
class SearchResult:
    """A finished search: its final state and the raw slskd `Response` dicts (see spec §3.3)."""

    id: str
    search_text: str
    state: str
    is_complete: bool
    response_count: int
    file_count: int
    responses: list[dict] = field(default_factory=list)

    @classmethod
    def from_state(cls, state: SearchState, responses: list[dict]) -> SearchResult:
        return cls(
            id=state.id,
            search_text=state.search_text,
            state=state.state,
            is_complete=state.is_complete,
            response_count=state.response_count,
            file_count=state.file_count,
            responses=responses,
        )


@dataclass(frozen=True)
class Transfer:
    """One download as slskd reports it. `state` is the raw flags string."""

    id: str
    username: str
    filename: str
    size: int
    state: str
    bytes_transferred: int = 0
    percent_complete: float = 0.0
    average_speed: float = 0.0
    place_in_queue: int | None = None
    exception: str = ""
    requested_at: datetime | None = None
    enqueued_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    attempts: int = 0
    removed: bool = False
    batch_id: str | None = None  # 0.26+: the batch it was enqueued in

    @classmethod
    def from_api(cls, data: dict, username: str = "") -> Transfer:
        return cls(
            id=require_str(data, "id", "transfer"),
            username=as_str(data.get("username"), username),
            filename=require_str(data, "filename", "transfer"),
            size=as_int(data.get("size")),
            state=as_str(data.get("state"), "None"),
            bytes_transferred=as_int(data.get("bytesTransferred")),
            percent_complete=as_float(data.get("percentComplete")),
            average_speed=as_float(data.get("averageSpeed")),
            place_in_queue=as_opt_int(data.get("placeInQueue")),
            exception=as_str(data.get("exception")),
            requested_at=as_datetime(data.get("requestedAt")),
            enqueued_at=as_datetime(data.get("enqueuedAt")),
            started_at=as_datetime(data.get("startedAt")),
            ended_at=as_datetime(data.get("endedAt")),
            attempts=as_int(data.get("attempts")),
            removed=as_bool(data.get("removed")),
            batch_id=as_str(data.get("batchId")) or None,
        )

    @property
    def flags(self) -> frozenset[str]:
        return parse_flags(self.state)

    @property
    def is_completed(self) -> bool:
        """In a Completed state; slskd 0.26+ may still retry it (see `is_final_failure`)."""
        return "Completed" in self.flags

    @property
    def is_succeeded(self) -> bool:
        return {"Completed", "Succeeded"} <= self.flags

    @property
    def is_failed(self) -> bool:
        return self.is_completed and "Succeeded" not in self.flags

    @property
    def is_active(self) -> bool:
        return not self.is_completed

    @property
    def is_queued_remotely(self) -> bool:
        return {"Queued", "Remotely"} <= self.flags

    @property
    def failure_kind(self) -> str | None:
        """rejected | errored | timed_out | cancelled | aborted; None unless failed."""
        if not self.is_failed:
            return None
        for flag, kind in FAILURE_KINDS.items():
            if flag in self.flags:
                return kind
        return "errored"  # a bare "Completed" is a slskd malfunction; treat it as an error

    def is_final_failure(
        self,
        retry_attempts: int = 1,
        *,
        max_delay: timedelta = RETRY_MAX_DELAY,
        now: datetime | None = None,
    ) -> bool:
        """Failed for good, given slskd's `transfers.download.retry.attempts` (1 before 0.26).

        slskd 0.26 shows `Completed, Errored`/`TimedOut` between retries and then goes back to
        `Queued, Locally` (§4.6), so such a state is final only once the attempts are used up or
        it has stayed failed longer than slskd's longest retry delay (`retry.maxDelay`).
        """
        kind = self.failure_kind
        if kind is None:
            return False
        if kind in NEVER_RETRIED or retry_attempts <= 1 or self.attempts >= retry_attempts:
            return True
        now = now or datetime.now(UTC)
        return self.ended_at is not None and now - self.ended_at > max_delay

    @property
    def directory(self) -> str:
        """The remote directory, split the way slskd splits it (`/` if present, else `\\`)."""
        sep = "/" if "/" in self.filename else "\\"
        return self.filename.rpartition(sep)[0]


@dataclass(frozen=True)
class EnqueueFailure:
    """A file slskd did not enqueue. `filename` is "" when slskd 0.26 sends an empty `{}`."""

    filename: str
    message: str


@dataclass(frozen=True)
class EnqueueResult:
    """Transfers for the requested files (new or already active) and what slskd refused."""

    transfers: list[Transfer]
    failed: list[EnqueueFailure]


@dataclass(frozen=True)
class DirectoryFile:
    """A file in a remote folder, with its full remote path (what enqueue needs)."""

    filename: str
    name: str
    size: int
    extension: str = ""
    bit_rate: int | None = None
    bit_depth: int | None = None
    sample_rate: int | None = None
    length: int | None = None
    is_variable_bit_rate: bool | None = None

    def as_search_file(self) -> dict:
        """The file in the shape of a search `File` dict, so the matcher can treat both alike."""
        data: dict[str, Any] = {
            "filename": self.filename,
            "size": self.size,
            "extension": self.extension,
        }
        optional = {
            "bitRate": self.bit_rate,
            "bitDepth": self.bit_depth,
            "sampleRate": self.sample_rate,
            "length": self.length,
            "isVariableBitRate": self.is_variable_bit_rate,
        }
        # Like slskd, omit what is unknown: the matcher checks for keys' presence.
        data.update({key: value for key, value in optional.items() if value is not None})
        return data


@dataclass(frozen=True)
class Event:
    """An entry of `GET /events`; `data` is already decoded from its JSON string."""

    id: str
    type: str
    timestamp: datetime | None
    data: dict
