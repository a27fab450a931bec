"""Timing and behaviour knobs of the fake.

Durations are seconds at `speed_scale=1`, which looks like a real slskd on a good connection.
`speed_scale` divides every simulated delay (and the client's `searchTimeout`) and multiplies every
peer's upload speed, so tests run at 20-50x and the demo at 1x. The two semaphore holds are wall
time, not simulated: they only exist so tests can provoke a 429 deterministically.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

ENQUEUE_MODES = ("0.26", "0.24", "legacy")


@dataclass
class FakeConfig:
    """Everything that changes how the fake behaves, apart from the network it serves."""

    speed_scale: float = 1.0
    url_base: str = "/"
    auth_disabled: bool = False
    extra_api_keys: tuple[str, ...] = ()
    username: str = "slskd"  # web UI login for POST /session
    password: str = "slskd"
    jwt_ttl_seconds: int = 604_800
    soulseek_username: str = "soulspot"
    version: str = "0.26.0.0"
    verbose: bool = False  # log every request to stderr

    # searches (§3)
    max_concurrent_searches: int = 2
    search_post_hold: float = 0.02  # wall seconds the POST /searches semaphore is held
    search_response_delay: float = 0.4  # first peer reply after the search starts
    search_response_spacing: float = 0.15  # gap between successive peer replies
    search_results_race: float = 0.3  # isComplete is true but responses are not saved yet

    # transfers (§4, §5)
    enqueue_mode: str = "0.26"  # "0.26" | "0.24" (failed: [filename]) | "legacy" (<=0.23)
    enqueue_post_hold: float = 0.02  # wall seconds each enqueue holds one of the 2 slots
    max_concurrent_enqueues: int = 2
    state_step: float = 0.25  # pause between Queued, Locally / Requested / Initializing
    remote_queue_time: float = 0.3  # time in Queued, Remotely for a peer with a free slot
    queue_time_per_position: float = 0.05  # extra remote-queue time per queueLength entry
    progress_interval: float = 0.25  # how often InProgress counters are published
    move_delay: float = 0.05  # Completed, Succeeded is visible before the file is moved
    transfer_timeout: float = 15.0  # inactivity before a stalled transfer ends TimedOut
    retry_attempts: int = 3  # 0.26 retries Errored/TimedOut downloads; 1 turns retries off
    retry_delay: float = 5.0  # first retry delay, doubled per attempt
    retry_max_delay: float = 60.0
    # `transfers.download.destination.subdirectory` (0.26+); before 0.26 slskd had no such option
    destination_subdirectory: str = "${SOURCE_DIRECTORY}"
    chunk_size: int = 16_384

    extra: dict[str, Any] = field(default_factory=dict)  # free-form, echoed in /_fake/stats

    def __post_init__(self) -> None:
        if self.speed_scale <= 0:
            raise ValueError("speed_scale must be positive")
        if self.enqueue_mode not in ENQUEUE_MODES:
            raise ValueError(f"enqueue_mode must be one of {ENQUEUE_MODES}")

    @property
    def is_026(self) -> bool:
        """0.26 brought batches, `destination` options and FileSafety's path rules."""
        parts = []
        for part in self.version.split(".")[:2]:
            digits = "".join(ch for ch in part if ch.isdigit())
            parts.append(int(digits) if digits else 0)
        return tuple(parts) >= (0, 26)

    def scaled(self, seconds: float) -> float:
        """Wall seconds for a simulated duration."""
        return seconds / self.speed_scale

    @property
    def url_prefix(self) -> str:
        """`web.url_base` without a trailing slash: "" for the default "/"."""
        return "/" + self.url_base.strip("/") if self.url_base.strip("/") else ""

    def update(self, changes: dict[str, Any]) -> list[str]:
        """Apply `{field: value}` at runtime (POST /_fake/config); returns the fields changed."""
        known = {f.name: f for f in dataclasses.fields(self)}
        changed = []
        for name, value in changes.items():
            if name not in known:
                raise ValueError(f"unknown config field: {name}")
            current = getattr(self, name)
            if isinstance(current, bool):
                value = bool(value)
            elif isinstance(current, (int, float)) and not isinstance(current, bool):
                value = type(current)(value)
            elif isinstance(current, tuple):
                value = tuple(value)
            setattr(self, name, value)
            changed.append(name)
        self.__post_init__()
        return changed

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly copy, for /_fake/stats."""
        return dataclasses.asdict(self)
