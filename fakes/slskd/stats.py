"""Counters tests assert on, and the injected "broken response" rules."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

BREAK_MODES = ("malformed_json", "empty_body", "error", "delay", "close")
_MODE_ALIASES = {
    "status_500": ("error", 500),
    "status_502": ("error", 502),
    "status_503": ("error", 503),
}


@dataclass
class Stats:
    """What the fake has been asked to do: "nothing downloaded twice", "at most N searches"."""

    searches_posted: int = 0
    search_texts: list[str] = field(default_factory=list)
    # Searches not yet complete (Requested, Queued or InProgress), and the most there ever were
    # at once: a client that searches one at a time keeps the maximum at 1.
    searches_in_progress: int = 0
    max_searches_in_progress: int = 0
    enqueue_requests: int = 0
    enqueues: Counter[tuple[str, str]] = field(default_factory=Counter)
    bytes_written: int = 0
    files_completed: int = 0
    requests: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count_enqueue(self, username: str, filename: str) -> None:
        with self._lock:
            self.enqueues[(username, filename)] += 1

    def search_started(self) -> None:
        with self._lock:
            self.searches_in_progress += 1
            self.max_searches_in_progress = max(
                self.max_searches_in_progress, self.searches_in_progress
            )

    def search_ended(self) -> None:
        with self._lock:
            self.searches_in_progress = max(self.searches_in_progress - 1, 0)

    def add_bytes(self, count: int) -> None:
        with self._lock:
            self.bytes_written += count

    def count_request(self, route: str) -> None:
        with self._lock:
            self.requests[route] += 1

    def to_json(self) -> dict[str, Any]:
        """`enqueues` as a list, since JSON objects cannot have tuple keys."""
        with self._lock:
            return {
                "searches_posted": self.searches_posted,
                "search_texts": list(self.search_texts),
                "searches_in_progress": self.searches_in_progress,
                "max_searches_in_progress": self.max_searches_in_progress,
                "enqueue_requests": self.enqueue_requests,
                "enqueues": [
                    {"username": user, "filename": name, "count": count}
                    for (user, name), count in self.enqueues.items()
                ],
                "max_enqueues_per_file": max(self.enqueues.values(), default=0),
                "bytes_written": self.bytes_written,
                "files_completed": self.files_completed,
                "requests": dict(self.requests),
            }


@dataclass
class Break:
    """Make the next `count` matching API replies broken (count None = until cleared).

    `route` is a prefix of the path after `/api/v0/` (e.g. `searches`, `transfers/downloads`),
    `""` matches every API route and `health` matches `/health`. `error` and `close` replace
    the reply before the handler runs unless `after` is true; `malformed_json`/`empty_body`
    corrupt the real reply, so the action itself still happens.
    """

    route: str
    mode: str = "malformed_json"
    count: int | None = 1
    method: str | None = None
    status: int = 500
    seconds: float = 1.0  # for `delay`
    after: bool = False

    def __post_init__(self) -> None:
        if self.mode in _MODE_ALIASES:
            self.mode, self.status = _MODE_ALIASES[self.mode]
        if self.mode not in BREAK_MODES:
            raise ValueError(f"unknown break mode {self.mode!r}; expected one of {BREAK_MODES}")
        self.route = self.route.strip("/").lower()
        self.method = self.method.upper() if self.method else None

    def matches(self, method: str, path: str) -> bool:
        return path.startswith(self.route) and self.method in (None, method)


class BreakBoard:
    """Armed Break rules; `take` consumes one use of the first matching rule."""

    def __init__(self) -> None:
        self._rules: list[Break] = []
        self._lock = threading.Lock()

    def add(self, rule: Break) -> Break:
        with self._lock:
            self._rules.append(rule)
        return rule

    def take(self, method: str, path: str) -> Break | None:
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, path.lower()):
                    if rule.count is not None:
                        rule.count -= 1
                        if rule.count <= 0:
                            self._rules.remove(rule)
                    return rule
        return None

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
