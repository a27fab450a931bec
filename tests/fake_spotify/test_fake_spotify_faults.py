"""Faults (expiry, rate limits, quota, scripted errors), observation, the CLI, the scenarios."""

from __future__ import annotations

import subprocess
import sys
import threading

import httpx
import pytest
from spotipy.exceptions import SpotifyException

from fakes.spotify import FakeSpotify
from fakes.spotify.scenarios import demo_world
from tests.fake_spotify.conftest import SCOPES


def _bearer(fake: FakeSpotify) -> dict[str, str]:
    return {"Authorization": f"Bearer {fake.issue_token(SCOPES)['access_token']}"}


def test_expired_tokens_answer_401_until_refreshed(linked):
    fake, auth, sp = linked.fake, linked.auth, linked.sp
    fake.expire_access_tokens()

    with pytest.raises(SpotifyException) as error:
        sp.me()
    auth.refresh_access_token(auth.cache_handler.get_cached_token()["refresh_token"])

    assert error.value.http_status == 401
    assert error.value.msg.endswith("The access token expired")
    assert sp.me()["id"] == "me"


def test_an_access_token_expires_after_its_lifetime(fake):
    fake.access_token_lifetime = 0
    headers = _bearer(fake)

    answer = httpx.get(fake.url + "/v1/me", headers=headers)

    assert answer.status_code == 401
    assert answer.json()["error"]["message"] == "The access token expired"


def test_a_rate_limit_surfaces_at_once_with_retry_after(linked):
    linked.fake.rate_limit_next(retry_after=7)

    with pytest.raises(SpotifyException) as error:
        linked.sp.current_user_playlists()

    assert error.value.http_status == 429 and error.value.headers["Retry-After"] == "7"
    assert error.value.msg.endswith("API rate limit exceeded")
    assert len(linked.fake.api_requests(r"/me/playlists")) == 1  # no silent retry
    assert linked.sp.current_user_playlists()["total"] == 3  # only the next call failed


def test_the_daily_quota_429_carries_its_reason(linked):
    linked.fake.quota_exceeded()

    with pytest.raises(SpotifyException) as error:
        linked.sp.me()

    assert (error.value.http_status, error.value.reason) == (429, "QUOTA_EXCEEDED")
    assert int(error.value.headers["Retry-After"]) >= 3600


def test_fail_next_hits_only_matching_paths_the_given_number_of_times(fake):
    fake.fail_next(r"/items$", 502, times=2)
    headers = _bearer(fake)
    items = fake.url + "/v1/playlists/plOwn120/items"

    other = httpx.get(fake.url + "/v1/me", headers=headers).status_code
    statuses = [httpx.get(items, headers=headers).status_code for _ in range(3)]

    assert (other, statuses) == (200, [502, 502, 200])
    calls = fake.api_requests()
    assert [r.path for r in calls] == ["/v1/me"] + ["/v1/playlists/plOwn120/items"] * 3
    assert calls == sorted(calls, key=lambda r: r.at)


def test_concurrent_requests_share_a_fault_exactly_times_over(fake):
    fake.fail_next("^/v1/me$", 500, times=3)
    headers = _bearer(fake)
    start = threading.Barrier(8)
    statuses: list[int] = []

    def call() -> None:
        start.wait()
        statuses.append(httpx.get(fake.url + "/v1/me", headers=headers).status_code)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] * 5 + [500] * 3


def test_a_fault_may_carry_its_own_body_and_headers(fake):
    fake.fail_next("^/api/token$", 503, headers={"X-Why": "maintenance"}, body={"x": 1})

    answer = httpx.post(fake.url + "/api/token", data={"grant_type": "refresh_token"})

    assert (answer.status_code, answer.json(), answer.headers["x-why"]) == (
        503,
        {"x": 1},
        "maintenance",
    )


def test_faults_and_expiry_can_be_set_over_http(fake):
    headers = _bearer(fake)
    fault = {"path": "^/v1/me$", "status": 429, "headers": {"Retry-After": "2"}, "times": 1}

    set_fault = httpx.post(fake.url + "/_fake/spotify/fault", json=fault)
    limited = httpx.get(fake.url + "/v1/me", headers=headers)
    httpx.post(fake.url + "/_fake/spotify/expire-tokens")
    expired = httpx.get(fake.url + "/v1/me", headers=headers)
    bad = httpx.post(fake.url + "/_fake/spotify/fault", content=b"[1]")
    log = httpx.get(fake.url + "/_fake/requests").json()

    assert set_fault.status_code == 200
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "2")
    assert expired.json()["error"]["message"] == "The access token expired"
    assert bad.status_code == 400
    assert [entry["path"] for entry in log] == ["/v1/me", "/v1/me"]


def _kind(item: object) -> str:
    if item is None:
        return "none"
    return item["type"] if isinstance(item, dict) else "local"


def test_the_acceptance_world_holds_the_promised_counts(acceptance):
    world = acceptance.world
    own = world.playlists[acceptance.own_playlist_id]
    kinds = [_kind(e.item) for e in own.entries]

    assert (len(own.entries), kinds.count("track")) == (120, 117)
    assert (kinds.count("local"), kinds.count("none"), kinds.count("episode")) == (1, 1, 1)
    overlap = set(acceptance.liked_track_ids) & set(acceptance.own_playlist_track_ids)
    assert len(acceptance.liked_track_ids) == 10 and 0 < len(overlap) < 10
    assert len(acceptance.expected_track_ids) == 117 + 10 - len(overlap)
    isrcs = {t["external_ids"]["isrc"] for t in world.all_tracks()}
    assert len(isrcs) == len(world.all_tracks())
    assert len(acceptance.expected_album_track_ids) == 22
    assert len(acceptance.followed_artist_ids) == 3


def test_the_demo_world_has_three_playlists_and_a_library():
    world = demo_world()

    mine = [p for p in world.my_playlists() if world.readable(p)]
    assert len(world.my_playlists()) == 3 and len(mine) == 2
    assert world.liked and len(world.saved_albums) == 1 and len(world.followed_artists) == 2
    assert "Sunrise" in {t["name"] for t in world.all_tracks()}


def test_the_command_line_serves_the_demo_world():
    command = [sys.executable, "-m", "fakes.spotify", "--port", "0", "--client-id", "cli-id"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        url = line.rsplit(" ", 1)[-1].strip()
        authorize = httpx.get(url + "/authorize", params={"client_id": "wrong"})
        me = httpx.get(url + "/v1/me")
    finally:
        process.terminate()
        process.wait(timeout=5)

    assert "demo" in line and url.startswith("http://127.0.0.1:")
    assert authorize.status_code == 400 and me.status_code == 401
