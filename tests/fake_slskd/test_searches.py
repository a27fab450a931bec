"""Search lifecycle, filters, limits and errors (spec §3, §10.4-7)."""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable

import httpx

from fakes.slskd import FakeSlskd, Network

from .helpers import client_for, search, wait_until

STAMP_Z = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z"


def test_post_returns_the_new_record_at_once_honouring_the_client_id(api: httpx.Client) -> None:
    search_id = str(uuid.uuid4())
    reply = api.post("/searches", json={"id": search_id, "searchText": "some album"})
    assert reply.status_code == 200
    body = reply.json()
    assert body["id"] == search_id
    assert body["state"] == "InProgress"
    assert (body["responseCount"], body["fileCount"], body["responses"]) == (0, 0, [])
    assert body["isComplete"] is False
    assert "endedAt" not in body
    assert re.fullmatch(STAMP_Z, body["startedAt"])


def test_responses_stay_empty_until_the_search_completes(
    make_fake: Callable[..., FakeSlskd], network: Network
) -> None:
    fake = make_fake(network, search_response_spacing=5.0)  # 0.1 s between peers at 50x
    with client_for(fake) as api:
        search_id = api.post("/searches", json={"searchText": "some album"}).json()["id"]
        running = wait_until(lambda: _counted(api, search_id))
        assert running["state"] == "InProgress"
        assert api.get(f"/searches/{search_id}/responses").json() == []
        final = _wait_saved(api, search_id)
    assert final["state"] == "Completed, TimedOut"
    assert re.fullmatch(STAMP_Z, final["endedAt"])
    users = {r["username"] for r in final["responses"]}
    assert users == {"flacfan", "mp3user", "ana", "secretive"}  # not the offline peer


def _counted(api: httpx.Client, search_id: str) -> dict | None:
    state = api.get(f"/searches/{search_id}").json()
    return state if state["responseCount"] > 0 and not state["isComplete"] else None


def _wait_saved(api: httpx.Client, search_id: str) -> dict:
    def saved() -> dict | None:
        state = api.get(f"/searches/{search_id}", params={"includeResponses": True}).json()
        return state if state["isComplete"] and state["responses"] else None

    return wait_until(saved)


def test_locked_files_are_reported_separately_and_never_marked_locked(api: httpx.Client) -> None:
    final = search(api, "some album first song")
    by_user = {r["username"]: r for r in final["responses"]}
    secret = by_user["secretive"]
    assert (secret["fileCount"], secret["lockedFileCount"], secret["files"]) == (0, 1, [])
    assert secret["lockedFiles"][0]["isLocked"] is False
    assert "sleepy" not in by_user  # offline peers do not answer
    assert final["lockedFileCount"] == 1


def test_there_is_a_window_where_the_search_is_complete_but_responses_are_empty(
    make_fake: Callable[..., FakeSlskd], network: Network
) -> None:
    fake = make_fake(network, search_results_race=25.0)  # 0.5 s at 50x
    with client_for(fake) as api:
        search_id = api.post(
            "/searches", json={"searchText": "some album", "searchTimeout": 500}
        ).json()["id"]
        done = wait_until(
            lambda: (s := api.get(f"/searches/{search_id}").json())["isComplete"] and s
        )
        assert done["responseCount"] > 0
        assert api.get(f"/searches/{search_id}/responses").json() == []
        assert len(_wait_saved(api, search_id)["responses"]) == done["responseCount"]


def test_search_timeout_is_an_inactivity_timeout_in_milliseconds(
    make_fake: Callable[..., FakeSlskd], network: Network
) -> None:
    network.user("flacfan").search_delay = 0.0
    network.user("mp3user").search_delay = 10.0  # 0.2 s after start at 50x
    network.user("ana").search_delay = 20.0
    network.user("secretive").search_delay = 30.0
    fake = make_fake(network)
    with client_for(fake) as api:
        short = search(api, "some album", searchTimeout=5000)  # 0.1 s: mp3user is too late
        assert [r["username"] for r in short["responses"]] == ["flacfan"]
        long = search(api, "some album", searchTimeout=12000)  # each reply resets the timer
        users = [r["username"] for r in long["responses"]]
        assert users == ["flacfan", "mp3user", "ana", "secretive"]


def test_the_three_response_filters_and_turning_them_off(api: httpx.Client) -> None:
    queue = search(api, "some album", maximumPeerQueueLength=10)
    assert "mp3user" not in {r["username"] for r in queue["responses"]}
    speed = search(api, "some album", minimumPeerUploadSpeed=1_500_000)
    assert {r["username"] for r in speed["responses"]} == {"flacfan"}
    files = search(api, "some album", minimumResponseFileCount=3)
    assert {r["username"] for r in files["responses"]} == {"flacfan"}
    off = search(api, "some album", minimumResponseFileCount=3, filterResponses=False)
    assert len(off["responses"]) == 4


def test_limits_end_the_search_early(api: httpx.Client) -> None:
    assert search(api, "some album", responseLimit=1)["state"] == "Completed, ResponseLimitReached"
    file_limited = search(api, "some album", fileLimit=2)
    assert file_limited["state"] == "Completed, FileLimitReached"
    assert file_limited["responseCount"] == 1


def test_matching_uses_all_terms_exclusions_and_ignores_one_letter_terms(api: httpx.Client) -> None:
    excluded = search(api, "SOME ALBUM -mp3 x")
    assert "mp3user" not in {r["username"] for r in excluded["responses"]}
    assert search(api, "some album nonexistentterm")["responses"] == []
    jpg = search(api, "some album cover")
    assert jpg["fileCount"] == 1
    assert jpg["responses"][0]["files"][0]["filename"].endswith("cover.jpg")


def test_blank_or_exclusion_only_text_is_400(api: httpx.Client) -> None:
    blank = api.post("/searches", json={"searchText": "   "})
    assert blank.status_code == 400
    assert "SearchText" in blank.json()
    only_excluded = api.post("/searches", json={"searchText": "-live -bootleg"})
    assert only_excluded.json() == "Search query must contain at least one non-exclusion term"
    assert api.post("/searches", json={"searchText": "x", "searchTimeout": 1}).status_code == 400


def test_a_truly_concurrent_second_post_gets_429(
    make_fake: Callable[..., FakeSlskd], network: Network
) -> None:
    fake = make_fake(network, search_post_hold=0.4)
    statuses: list[int] = []

    def post() -> None:
        with client_for(fake) as api:
            statuses.append(api.post("/searches", json={"searchText": "some album"}).status_code)

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 429]


def test_a_third_running_search_is_queued(
    make_fake: Callable[..., FakeSlskd], network: Network
) -> None:
    fake = make_fake(network)
    with client_for(fake) as api:
        body = {"searchText": "some album", "searchTimeout": 30000}
        states = [api.post("/searches", json=body).json() for _ in range(3)]
        assert [s["state"] for s in states] == ["InProgress", "InProgress", "Queued"]
        api.put(f"/searches/{states[0]['id']}")
        wait_until(lambda: api.get(f"/searches/{states[2]['id']}").json()["state"] == "InProgress")


def test_the_stats_record_the_most_searches_in_progress_at_once(
    make_fake: Callable[..., FakeSlskd], network: Network
) -> None:
    fake = make_fake(network)
    with client_for(fake) as api:
        search(api, "some album")
        search(api, "first song")
        assert (fake.stats.max_searches_in_progress, fake.stats.searches_in_progress) == (1, 0)
        body = {"searchText": "some album", "searchTimeout": 30000}
        ids = [api.post("/searches", json=body).json()["id"] for _ in range(3)]
        assert fake.stats.searches_in_progress == 3  # the queued third one counts too
        for search_id in ids:
            api.put(f"/searches/{search_id}")
        wait_until(lambda: fake.stats.searches_in_progress == 0)
    stats = httpx.get(f"{fake.url}/_fake/stats").json()
    assert (stats["max_searches_in_progress"], stats["searches_in_progress"]) == (3, 0)


def test_a_search_refused_while_disconnected_is_never_in_progress(
    fake: FakeSlskd, api: httpx.Client
) -> None:
    fake.disconnect()
    assert api.post("/searches", json={"searchText": "some album"}).status_code == 409
    assert fake.stats.max_searches_in_progress == 0


def test_disconnected_gives_409_but_still_records_an_errored_search(
    fake: FakeSlskd, api: httpx.Client
) -> None:
    fake.disconnect()
    search_id = str(uuid.uuid4())
    reply = api.post("/searches", json={"id": search_id, "searchText": "some album"})
    assert reply.status_code == 409
    assert "must be connected and logged in" in reply.json()
    record = api.get(f"/searches/{search_id}").json()
    assert record["state"] == "Completed, Errored"
    assert record["startedAt"] == record["endedAt"]


def test_put_stops_a_search_and_keeps_what_was_gathered(
    make_fake: Callable[..., FakeSlskd], network: Network
) -> None:
    fake = make_fake(network, search_response_spacing=25.0)
    with client_for(fake) as api:
        search_id = api.post("/searches", json={"searchText": "some album"}).json()["id"]
        wait_until(lambda: _counted(api, search_id))
        stop = api.put(f"/searches/{search_id}")
        assert (stop.status_code, stop.content) == (200, b"")
        final = _wait_saved(api, search_id)
        assert final["state"] == "Completed, Cancelled"
        assert len(final["responses"]) == final["responseCount"] >= 1
        assert api.put(f"/searches/{uuid.uuid4()}").status_code == 404


def test_list_get_and_delete(api: httpx.Client) -> None:
    first = search(api, "some album")
    listed = api.get("/searches").json()
    assert [s["id"] for s in listed] == [first["id"]]
    assert listed[0]["responses"] == []
    assert api.get(f"/searches/{first['id']}").json()["responses"] == []
    assert api.delete(f"/searches/{first['id']}").status_code == 204
    assert api.delete(f"/searches/{first['id']}").status_code == 404
    missing = api.get(f"/searches/{first['id']}")
    assert (missing.status_code, missing.content) == (404, b"")
    assert api.get("/searches/not-a-guid").status_code == 404


def test_response_shape_matches_slskd(api: httpx.Client) -> None:
    final = search(api, "some album first song")
    response = next(r for r in final["responses"] if r["username"] == "flacfan")
    assert list(response) == [
        "fileCount",
        "files",
        "hasFreeUploadSlot",
        "lockedFileCount",
        "lockedFiles",
        "queueLength",
        "token",
        "uploadSpeed",
        "username",
    ]
    assert response["token"] == final["token"]
    file = response["files"][0]
    assert (
        file["filename"] == "@@xkqtz\\Music\\Some Artist\\Some Album (2001)\\01 - First Song.flac"
    )
    assert (file["code"], file["extension"], file["isLocked"]) == (1, "flac", False)
    ana = next(r for r in final["responses"] if r["username"] == "ana")
    assert ana["files"][0]["filename"].startswith("/home/ana/music/")


def test_an_empty_network_answers_nothing(make_fake: Callable[..., FakeSlskd]) -> None:
    fake = make_fake()
    with client_for(fake) as api:
        final = search(api, "anything at all", searchTimeout=500)
    assert (final["state"], final["responses"]) == ("Completed, TimedOut", [])
