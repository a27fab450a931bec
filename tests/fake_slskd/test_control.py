"""The `/_fake/...` control endpoints: stats, reset, broken replies, runtime config."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from fakes.slskd import FakeSlskd

from .helpers import ALBUM, download, finished, search, wait_until

FIRST = f"@@xkqtz\\{ALBUM}\\01 - First Song.flac"


def test_stats_count_searches_enqueues_and_bytes(
    fake: FakeSlskd, api: httpx.Client, audio: dict[str, Path]
) -> None:
    search(api, "some album")
    size = audio["flac"].stat().st_size
    finished(api, "flacfan", download(api, "flacfan", [{"filename": FIRST, "size": size}])[0])
    wait_until(lambda: fake.stats.files_completed == 1)
    stats = httpx.get(f"{fake.url}/_fake/stats").json()
    assert stats["searches_posted"] == 1
    assert stats["search_texts"] == ["some album"]
    assert stats["enqueues"] == [{"username": "flacfan", "filename": FIRST, "count": 1}]
    assert stats["max_enqueues_per_file"] == 1
    assert stats["bytes_written"] == size
    assert stats["requests"]["POST searches"] == 1


def test_reset_forgets_everything_and_undoes_runtime_controls(
    fake: FakeSlskd, api: httpx.Client
) -> None:
    search(api, "some album")
    fake.disconnect()
    fake.set_user_online("flacfan", False)
    fake.add_failure("rejected", "mp3user")
    assert httpx.post(f"{fake.url}/_fake/reset").status_code == 204
    assert api.get("/searches").json() == []
    assert api.get("/server").json()["isLoggedIn"] is True
    assert api.get("/users/flacfan/status").json()["presence"] == "Online"
    assert fake.network.failures == []
    assert fake.stats.searches_posted == 0


@pytest.mark.parametrize(
    ("mode", "status", "content_type"),
    [
        ("status_502", 502, "text/html"),
        ("status_500", 500, "application/json"),
        ("empty_body", 200, "application/json"),
    ],
)
def test_broken_replies_for_the_next_n_requests(
    fake: FakeSlskd, api: httpx.Client, mode: str, status: int, content_type: str
) -> None:
    rule = {"route": "application", "mode": mode, "count": 2}
    assert httpx.post(f"{fake.url}/_fake/break", json=rule).status_code == 201
    for _ in range(2):
        reply = api.get("/application/version")
        assert reply.status_code == status
        assert reply.headers["content-type"].startswith(content_type)
    assert api.get("/application/version").json() == "0.26.0.0"


def test_malformed_json_still_performs_the_action(fake: FakeSlskd, api: httpx.Client) -> None:
    fake.break_route("searches", "malformed_json", method="POST")
    reply = api.post("/searches", json={"searchText": "some album"})
    assert reply.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(reply.content)
    assert len(api.get("/searches").json()) == 1


def test_a_dropped_connection_and_a_delay(fake: FakeSlskd, api: httpx.Client) -> None:
    fake.break_route("server", "close")
    with pytest.raises(httpx.TransportError):
        api.get("/server")
    fake.break_route("server", "delay", seconds=0.3)
    with pytest.raises(httpx.ReadTimeout):
        api.get("/server", timeout=0.1)
    assert api.get("/server").status_code == 200


def test_a_bad_break_rule_is_400(fake: FakeSlskd) -> None:
    reply = httpx.post(f"{fake.url}/_fake/break", json={"route": "x", "mode": "explode"})
    assert reply.status_code == 400


def test_config_can_be_changed_at_runtime(fake: FakeSlskd) -> None:
    reply = httpx.post(f"{fake.url}/_fake/config", json={"speed_scale": 2, "enqueue_mode": "0.24"})
    assert reply.json()["speed_scale"] == 2.0
    assert fake.config.enqueue_mode == "0.24"
    bad = httpx.post(f"{fake.url}/_fake/config", json={"enqueue_mode": "9.9"})
    assert bad.status_code == 400
    assert httpx.post(f"{fake.url}/_fake/config", json={"nope": 1}).status_code == 400


def test_the_transfer_view_shows_where_files_landed(
    fake: FakeSlskd, api: httpx.Client, audio: dict[str, Path]
) -> None:
    size = audio["flac"].stat().st_size
    (transfer_id,) = download(api, "flacfan", [{"filename": FIRST, "size": size}])
    wait_until(lambda: fake.transfer(transfer_id).local_path)
    (row,) = httpx.get(f"{fake.url}/_fake/transfers").json()
    assert Path(row["localPath"]).read_bytes() == audio["flac"].read_bytes()
