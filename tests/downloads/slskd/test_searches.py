"""Searches: polling to completion, retries, rate limits, the search budget and stepwise runs."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import httpx
import pytest

from downloads.slskd import (
    SearchBudget,
    SearchBudgetExhausted,
    SlskdNotFound,
    SlskdNotLoggedIn,
    SlskdProtocolError,
    SlskdRateLimited,
)
from tests.downloads.slskd.support import API, SONG_1, SONG_2, js, make_client, search_record

RESPONSES = [
    {
        "fileCount": 2,
        "files": [
            {
                "bitDepth": 16,
                "code": 1,
                "extension": "flac",
                "filename": SONG_1,
                "length": 245,
                "sampleRate": 44100,
                "size": 27345678,
                "isLocked": False,
            },
            {
                "bitDepth": 16,
                "code": 1,
                "extension": "flac",
                "filename": SONG_2,
                "length": 198,
                "sampleRate": 44100,
                "size": 22100456,
                "isLocked": False,
            },
        ],
        "hasFreeUploadSlot": True,
        "lockedFileCount": 0,
        "lockedFiles": [],
        "queueLength": 0,
        "token": 1199,
        "uploadSpeed": 1843200,
        "username": "flacfan",
    },
    {
        "fileCount": 1,
        "files": [
            {
                "bitRate": 320,
                "code": 1,
                "extension": "",
                "isVariableBitRate": False,
                "length": 245,
                "filename": "Music\\Some Artist - Some Album\\01 First Song.mp3",
                "size": 9823456,
                "isLocked": False,
            },
        ],
        "hasFreeUploadSlot": False,
        "lockedFileCount": 0,
        "lockedFiles": [],
        "queueLength": 37,
        "token": 1199,
        "uploadSpeed": 240000,
        "username": "mp3user",
    },
]


def test_a_search_polls_past_requested_and_queued_until_is_complete(fake, client, fake_time):
    search_id = str(uuid.uuid4())
    fake.on("POST", "/searches", js(search_record(search_id, "Requested")))
    fake.on(
        "GET",
        f"/searches/{search_id}",
        js(search_record(search_id, "Requested")),
        js(search_record(search_id, "Queued")),
        js(search_record(search_id, "Queued")),
        js(search_record(search_id, "InProgress", responses=1, files=2)),
        js(search_record(search_id, "Completed, TimedOut", responses=2, files=3)),
    )
    fake.on("GET", f"/searches/{search_id}/responses", js(RESPONSES))
    fake.on("DELETE", f"/searches/{search_id}", httpx.Response(204))

    result = client.search("some artist some album", search_id=search_id)

    assert len(fake.calls("GET", f"/searches/{search_id}")) == 5
    assert (result.id, result.state, result.is_complete) == (search_id, "Completed, TimedOut", True)
    assert (result.response_count, result.file_count) == (2, 3)
    assert [r["username"] for r in result.responses] == ["flacfan", "mp3user"]
    assert len(fake.calls("DELETE", f"/searches/{search_id}")) == 1
    # Responses were read only after completion, and after the 0.5 s settle delay.
    order = [(r.method, r.url.path) for r in fake.requests]
    assert order.index(("GET", f"{API}/searches/{search_id}/responses")) == 6
    assert 0.5 in fake_time.sleeps


def test_the_search_request_carries_a_client_uuid_and_millisecond_timeout(fake, client):
    fake.on(
        "POST", "/searches", lambda r: js(search_record(json.loads(r.content)["id"], "InProgress"))
    )
    state = client.start_search("  some album  ", timeout_ms=8000, maximum_peer_queue_length=50)
    body = json.loads(fake.requests[0].content)
    assert uuid.UUID(body["id"]) and body["id"] == state.id
    assert body["searchText"] == "some album"
    assert body["searchTimeout"] == 8000
    assert body["maximumPeerQueueLength"] == 50
    assert body["filterResponses"] is True
    assert state.state == "InProgress" and not state.is_complete


def test_polling_state_asks_slskd_not_to_include_responses(fake, client):
    fake.on("GET", "/searches/abc", js(search_record("abc", "InProgress")))
    client.search_state("abc")
    assert fake.requests[0].url.params["includeResponses"] == "false"


def test_empty_responses_right_after_completion_are_retried(fake, client):
    search_id = str(uuid.uuid4())
    fake.on("POST", "/searches", js(search_record(search_id, "InProgress")))
    fake.on(
        "GET",
        f"/searches/{search_id}",
        js(search_record(search_id, "Completed, TimedOut", responses=2)),
    )
    fake.on("GET", f"/searches/{search_id}/responses", js([]), js([]), js(RESPONSES))
    fake.on("DELETE", f"/searches/{search_id}", httpx.Response(204))

    result = client.search("some album", search_id=search_id)

    assert len(result.responses) == 2
    assert len(fake.calls("GET", f"/searches/{search_id}/responses")) == 3


def test_a_search_that_found_nothing_is_not_retried(fake, client):
    search_id = str(uuid.uuid4())
    fake.on("POST", "/searches", js(search_record(search_id, "InProgress")))
    fake.on("GET", f"/searches/{search_id}", js(search_record(search_id, "Completed, TimedOut")))
    fake.on("GET", f"/searches/{search_id}/responses", js([]))
    fake.on("DELETE", f"/searches/{search_id}", httpx.Response(404))  # already gone: fine

    result = client.search("nothing at all", search_id=search_id)

    assert result.responses == [] and result.response_count == 0
    assert len(fake.calls("GET", f"/searches/{search_id}/responses")) == 1


def test_responses_that_never_arrive_give_up_after_a_few_tries(fake, client):
    fake.on("GET", "/searches/s1/responses", js([]))
    assert client.collect_responses("s1", response_count=3) == []
    assert 2 <= len(fake.calls("GET", "/searches/s1/responses")) <= 6


def test_a_search_while_slskd_is_disconnected_is_not_logged_in(fake, client):
    message = (
        "The server connection must be connected and logged in to perform a search "
        "(currently: Disconnected)"
    )
    fake.on("POST", "/searches", js(message, 409))
    with pytest.raises(SlskdNotLoggedIn, match="currently: Disconnected"):
        client.start_search("some album")


def test_a_429_on_search_is_retried_after_a_short_back_off(fake, client, fake_time):
    busy = js(
        "Only one concurrent operation is permitted. Wait until the previous request completes", 429
    )
    fake.on("POST", "/searches", busy, busy, js(search_record("s2", "InProgress")))
    state = client.start_search("some album", search_id="s2")
    assert state.id == "s2"
    assert len(fake.calls("POST", "/searches")) == 3
    assert fake_time.sleeps[:2] == [0.5, 1.0]


def test_a_429_that_persists_becomes_rate_limited_and_spends_one_search(fake, fake_time):
    budget = SearchBudget(34, 220, clock=fake_time.clock)
    client = make_client(fake, fake_time, budget=budget)
    fake.on("POST", "/searches", js("Only one concurrent operation is permitted.", 429))
    with pytest.raises(SlskdRateLimited):
        client.start_search("some album")
    assert len(fake.calls("POST", "/searches")) == 5
    assert budget.remaining() == 33


def test_a_search_is_refused_without_a_request_when_the_budget_is_spent(fake, fake_time):
    budget = SearchBudget(2, 220, clock=fake_time.clock)
    client = make_client(fake, fake_time, budget=budget)
    fake.on(
        "POST", "/searches", lambda r: js(search_record(json.loads(r.content)["id"], "InProgress"))
    )
    client.start_search("one")
    client.start_search("two")
    with pytest.raises(SearchBudgetExhausted) as caught:
        client.start_search("three")
    assert caught.value.retry_after_seconds == pytest.approx(220)
    assert len(fake.calls("POST", "/searches")) == 2


def test_a_blank_search_is_refused_before_spending_the_budget(fake, client):
    with pytest.raises(ValueError):
        client.start_search("   ")
    assert client.budget.remaining() == 34


def test_a_search_that_runs_too_long_is_stopped_and_its_responses_kept(fake, client):
    search_id = "long-one"
    fake.on("POST", "/searches", js(search_record(search_id, "InProgress")))
    running = js(search_record(search_id, "InProgress", responses=1))
    fake.on(
        "GET",
        f"/searches/{search_id}",
        *[running] * 20,
        js(search_record(search_id, "Completed, Cancelled", responses=1)),
    )
    fake.on("PUT", f"/searches/{search_id}", httpx.Response(200))
    fake.on("GET", f"/searches/{search_id}/responses", js(RESPONSES[:1]))
    fake.on("DELETE", f"/searches/{search_id}", httpx.Response(204))

    result = client.search("some album", search_id=search_id, max_wait_s=5)

    assert len(fake.calls("PUT", f"/searches/{search_id}")) == 1
    assert result.state == "Completed, Cancelled"
    assert len(result.responses) == 1


def test_an_error_while_polling_deletes_the_search_and_raises(fake, client):
    fake.on("POST", "/searches", js(search_record("s3", "InProgress")))
    fake.on("GET", "/searches/s3", js({"no": "id"}))
    fake.on("DELETE", "/searches/s3", httpx.Response(204))
    with pytest.raises(SlskdProtocolError):
        client.search("some album", search_id="s3")
    assert len(fake.calls("DELETE", "/searches/s3")) == 1


def test_the_engine_can_run_a_search_in_steps(fake, client):
    fake.on("POST", "/searches", js(search_record("s4", "Queued")))
    state = client.start_search("some album", search_id="s4")
    assert not state.is_complete

    fake.on(
        "GET",
        "/searches/s4",
        js(search_record("s4", "Completed, ResponseLimitReached", responses=2)),
    )
    state = client.search_state("s4")
    assert state.is_complete and state.ended_at == datetime(2025, 11, 1, 21, 18, 40, 123456, UTC)

    fake.on("GET", "/searches/s4/responses", js(RESPONSES))
    fake.on("DELETE", "/searches/s4", httpx.Response(204))
    result = client.finish_search("s4", state=state)
    assert len(result.responses) == 2 and result.state == "Completed, ResponseLimitReached"


def test_an_unknown_search_is_not_found(fake, client):
    with pytest.raises(SlskdNotFound):
        client.search_state("gone")
    assert client.stop_search("gone") is False
    assert client.delete_search("gone") is False


def test_non_dict_items_in_responses_are_dropped(fake, client):
    fake.on("GET", "/searches/s5/responses", js([RESPONSES[0], "junk", None]))
    assert client.search_responses("s5") == [RESPONSES[0]]
