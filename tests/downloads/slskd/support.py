"""Canned slskd replies, shaped exactly as the spec describes them, for the client tests.

`httpx.MockTransport` stands in for slskd; an integration suite runs against the fake server
(`fakes.slskd`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx

from downloads.slskd import SearchBudget, SlskdClient

BASE = "http://slskd.test:5030"
API = "/api/v0"
KEY = "0123456789abcdef-secret"
ALBUM_DIR = "@@xkqtz\\Music\\Some Artist\\Some Album (2001)"
SONG_1 = ALBUM_DIR + "\\01 - First Song.flac"
SONG_2 = ALBUM_DIR + "\\02 - Second Song.flac"

Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class FakeSlskd:
    """Routes (method, raw path) to canned replies, served in order; the last one repeats."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Reply]] = {}
        self.requests: list[httpx.Request] = []

    def on(self, method: str, path: str, *replies: Reply) -> None:
        self.routes[(method, API + path)] = list(replies)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.raw_path.split(b"?")[0].decode()
        replies = self.routes.get((request.method, path))
        if replies is None:
            return httpx.Response(404)  # slskd: unmatched /api paths are an empty 404
        reply = replies.pop(0) if len(replies) > 1 else replies[0]
        if isinstance(reply, Exception):
            raise reply
        return reply(request) if callable(reply) else reply

    def calls(self, method: str, path: str) -> list[httpx.Request]:
        return [
            r
            for r in self.requests
            if r.method == method and r.url.raw_path.split(b"?")[0].decode() == API + path
        ]


class FakeTime:
    """A clock that only moves when the client sleeps, so polling tests run instantly."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


def make_client(fake: FakeSlskd, fake_time: FakeTime | None = None, **kwargs: Any) -> SlskdClient:
    fake_time = fake_time or FakeTime()
    kwargs.setdefault("budget", SearchBudget(34, 220, clock=fake_time.clock))
    return SlskdClient(
        BASE,
        KEY,
        transport=httpx.MockTransport(fake),
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        user_agent="SoulSpot/test",
        **kwargs,
    )


def js(data: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=data)


def search_record(search_id: str, state: str, *, responses: int = 0, files: int = 0) -> dict:
    record = {
        "fileCount": files,
        "id": search_id,
        "isComplete": "Completed" in state,
        "lockedFileCount": 0,
        "responseCount": responses,
        "responses": [],
        "searchText": "some artist some album",
        "startedAt": "2025-11-01T21:18:20.9999708Z",
        "state": state,
        "token": 1199,
    }
    if "Completed" in state:
        record["endedAt"] = "2025-11-01T21:18:40.1234567Z"
    return record


def transfer_record(filename: str = SONG_1, state: str = "Queued, Locally", **extra: Any) -> dict:
    record = {
        "id": str(uuid.uuid4()),
        "username": "flacfan",
        "direction": "Download",
        "filename": filename,
        "size": 27345678,
        "state": state,
        "requestedAt": "2026-08-22T18:12:00.1234567",
        "bytesTransferred": 0,
        "averageSpeed": 0,
        "attempts": 0,
        "removed": False,
        "bytesRemaining": 27345678,
        "percentComplete": 0,
    }
    record.update(extra)
    return record


def user_listing(*transfers: dict, username: str = "flacfan") -> dict:
    return {
        "username": username,
        "directories": [
            {"directory": ALBUM_DIR, "fileCount": len(transfers), "files": list(transfers)}
        ],
    }
