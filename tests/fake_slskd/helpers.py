"""Small helpers shared by the fake slskd tests."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from fakes.slskd import FakeSlskd

ALBUM = "Music\\Some Artist\\Some Album (2001)"


def client_for(fake: FakeSlskd) -> httpx.Client:
    """An httpx client on `/api/v0` with the fake's API key."""
    headers = {"X-API-Key": fake.api_key or ""}
    return httpx.Client(base_url=f"{fake.url}/api/v0", headers=headers, timeout=10)


def wait_until(check: Callable[[], Any], timeout: float = 10.0, interval: float = 0.01) -> Any:
    """Poll until `check()` is truthy and return its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


def search(api: httpx.Client, text: str, **fields: Any) -> dict[str, Any]:
    """POST a search and wait until its responses are saved; returns the final search."""
    reply = api.post("/searches", json={"searchText": text, "searchTimeout": 2000, **fields})
    assert reply.status_code == 200, reply.text
    search_id = reply.json()["id"]

    def saved() -> dict[str, Any] | None:
        state = api.get(f"/searches/{search_id}", params={"includeResponses": "true"}).json()
        complete = state["isComplete"] and len(state["responses"]) == state["responseCount"]
        return state if complete else None

    return wait_until(saved)


def download(api: httpx.Client, username: str, files: list[dict[str, Any]]) -> list[str]:
    """Enqueue `[{filename, size}]` and return the new transfer ids."""
    reply = api.post(f"/transfers/downloads/{username}", json=files)
    assert reply.status_code == 201, reply.text
    return [t["id"] for t in reply.json()["enqueued"]]


def finished(api: httpx.Client, username: str, transfer_id: str) -> dict[str, Any]:
    """Wait for a transfer to reach a Completed state; returns it."""

    def done() -> dict[str, Any] | None:
        transfer = api.get(f"/transfers/downloads/{username}/{transfer_id}").json()
        return transfer if transfer["state"].startswith("Completed") else None

    return wait_until(done)


def files_under(root: Path, pattern: str = "*") -> list[Path]:
    """Files below `root` matching `pattern`; unlike rglob it tolerates folders vanishing
    while it walks (the fake prunes emptied incomplete folders concurrently)."""
    found = []
    for folder, _dirs, names in os.walk(root):
        found += [Path(folder, name) for name in names if Path(name).match(pattern)]
    return found
