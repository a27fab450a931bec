"""A sliding-window search budget shared by every thread and process of one SoulSpot install.

The Soulseek server bans clients that search too often, and a ban costs the user far more than
a delayed search. SoulSpot runs a web process and worker processes, possibly on several hosts,
so an in-process counter is not enough: `budget_from_settings` keeps the recent search times in
the database (`downloads.search_budget.DatabaseBudgetStore`). `FileBudgetStore` (a JSON file
under an exclusive `fcntl.flock`) shares a window between the processes of one machine only;
`MemoryBudgetStore` serves tests and a client built without settings.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

from .errors import SearchBudgetExhausted

logger = logging.getLogger(__name__)

T = TypeVar("T")
Update = Callable[[list[float]], tuple[list[float], T]]

DEFAULT_LIMIT = 34
DEFAULT_WINDOW_SECONDS = 220.0


class BudgetStore(Protocol):
    """Atomic read-modify-write of the list of recent search timestamps (unix seconds)."""

    def update(self, fn: Update[T]) -> T:
        """Call `fn(stamps)` under a lock; store the list it returns and return its result."""
        ...


class MemoryBudgetStore:
    """Timestamps in memory, shared by the threads of one process."""

    def __init__(self) -> None:
        self._stamps: list[float] = []
        self._lock = threading.Lock()

    def update(self, fn: Update[T]) -> T:
        with self._lock:
            self._stamps, result = fn(list(self._stamps))
            return result


class FileBudgetStore:
    """Timestamps in a JSON file, shared by every process that uses the same path."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def update(self, fn: Update[T]) -> T:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Opening a new descriptor each time makes flock exclude other threads of this process too.
        with open(self.path, "a+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                handle.seek(0)
                stamps, result = fn(self._parse(handle.read()))
                handle.seek(0)
                handle.truncate()
                handle.write(json.dumps(stamps))
                handle.flush()
                os.fsync(handle.fileno())
                return result
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _parse(self, text: str) -> list[float]:
        if not text.strip():
            return []
        try:
            data = json.loads(text)
        except ValueError:
            # A torn write after a crash: losing the history is safer than refusing all searches.
            logger.warning("search budget file %s is corrupt; starting a new window", self.path)
            return []
        if not isinstance(data, list):
            return []
        return [float(x) for x in data if isinstance(x, int | float) and not isinstance(x, bool)]


class SearchBudget:
    """At most `limit` searches in any `window_seconds`, across all users of `store`."""

    def __init__(
        self,
        limit: int = DEFAULT_LIMIT,
        window_seconds: float = DEFAULT_WINDOW_SECONDS,
        store: BudgetStore | None = None,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if limit < 1 or window_seconds <= 0:
            raise ValueError("a search budget needs limit >= 1 and a positive window")
        self.limit = limit
        self.window = float(window_seconds)
        self.store = store if store is not None else MemoryBudgetStore()
        # Wall-clock time, not monotonic: the stamps are compared across processes.
        self._clock = clock
        self._sleep = sleep

    def acquire(self, *, wait: bool = False, max_wait: float | None = None) -> None:
        """Spend one search. Without `wait`, raise `SearchBudgetExhausted` if none is left.

        With `wait`, sleep until a slot frees up; `max_wait` bounds the total sleep, after
        which `SearchBudgetExhausted` is raised with the remaining delay.
        """
        waited = 0.0
        while True:
            retry_after = self.try_acquire()
            if retry_after <= 0:
                return
            if not wait or (max_wait is not None and waited + retry_after > max_wait):
                raise SearchBudgetExhausted(retry_after)
            # Another process may take the freed slot first; the loop simply tries again.
            self._sleep(retry_after)
            waited += retry_after

    def try_acquire(self) -> float:
        """Spend one search and return 0, or spend nothing and return seconds until one frees."""
        now = self._clock()

        def take(stamps: list[float]) -> tuple[list[float], float]:
            recent = self._recent(stamps, now)
            if len(recent) < self.limit:
                return [*recent, now], 0.0
            oldest_that_counts = sorted(recent)[len(recent) - self.limit]
            return recent, max(oldest_that_counts + self.window - now, 0.001)

        return self.store.update(take)

    def remaining(self) -> int:
        """Searches that could start right now."""
        now = self._clock()
        used = self.store.update(lambda stamps: (stamps, len(self._recent(stamps, now))))
        return max(self.limit - used, 0)

    def _recent(self, stamps: list[float], now: float) -> list[float]:
        # Stamps far in the future come from a clock that jumped back; they would block for ever.
        return [s for s in stamps if now - self.window < s <= now + self.window]
