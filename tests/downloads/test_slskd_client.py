"""The slskd client against canned slskd replies shaped exactly as the spec describes them.

`httpx.MockTransport` stands in for slskd; an integration suite runs against the fake server.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from downloads.slskd import (
    SearchBudget,
    SearchBudgetExhausted,
    SlskdClient,
    SlskdError,
    SlskdNotFound,
    SlskdNotLoggedIn,
    SlskdProtocolError,
    SlskdRateLimited,
    SlskdUnauthorized,
    SlskdUnreachable,
    SlskdUserOffline,
    Transfer,
    client_from_settings,
    is_configured,
)
from downloads.slskd.download_paths import expected_path

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


@pytest.fixture
def fake() -> FakeSlskd:
    return FakeSlskd()


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def client(fake: FakeSlskd, fake_time: FakeTime) -> SlskdClient:
    return make_client(fake, fake_time)


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


# -- conventions, auth and errors ------------------------------------------------------------


def test_it_sends_the_api_key_user_agent_and_a_json_content_type(fake, client):
    search_id = str(uuid.uuid4())
    fake.on("POST", "/searches", js(search_record(search_id, "InProgress")))
    client.start_search("some album", search_id=search_id)
    request = fake.requests[0]
    assert request.headers["X-API-Key"] == KEY
    assert request.headers["User-Agent"] == "SoulSpot/test"
    assert request.headers["Content-Type"] == "application/json"
    assert str(request.url) == f"{BASE}/api/v0/searches"


def test_no_key_header_is_sent_when_no_key_is_configured(fake):
    fake.on("GET", "/application/version", js("0.26.0.0"))
    SlskdClient(BASE, "", transport=httpx.MockTransport(fake)).version()
    assert "X-API-Key" not in fake.requests[0].headers


@pytest.mark.parametrize(
    "base",
    [BASE, BASE + "/", BASE + "/api/v0", BASE + "/api/v0/"],
    ids=["plain", "slash", "api", "api/"],
)
def test_it_accepts_the_base_url_with_or_without_the_api_prefix(fake, base):
    fake.on("GET", "/application/version", js("0.26.0.0"))
    client = SlskdClient(base, KEY, transport=httpx.MockTransport(fake))
    assert client.version() == "0.26.0.0"
    assert str(fake.requests[0].url) == f"{BASE}/api/v0/application/version"


def test_it_keeps_a_url_base_prefix(fake):
    fake.routes[("GET", "/slskd/api/v0/application/version")] = [js("0.26.0.0")]
    client = SlskdClient(BASE + "/slskd", KEY, transport=httpx.MockTransport(fake))
    assert client.version() == "0.26.0.0"


@pytest.mark.parametrize("status", [401, 403])
def test_a_rejected_key_is_unauthorized_with_a_readable_message(fake, client, status):
    fake.on("GET", "/application", httpx.Response(status, headers={"WWW-Authenticate": "Bearer"}))
    with pytest.raises(SlskdUnauthorized) as caught:
        client.application_state()
    assert caught.value.status == status
    assert BASE in str(caught.value)
    assert KEY not in str(caught.value)


def test_connection_refused_is_unreachable_and_names_the_url(fake, client):
    fake.on("GET", "/application", httpx.ConnectError("[Errno 111] Connection refused"))
    with pytest.raises(SlskdUnreachable) as caught:
        client.application_state()
    assert str(caught.value) == f"slskd unreachable at {BASE}: connection refused"
    assert caught.value.reason == "connect"


def test_a_read_timeout_is_unreachable_with_reason_timeout(fake, client):
    fake.on("GET", "/searches/x", httpx.ReadTimeout("timed out"))
    with pytest.raises(SlskdUnreachable) as caught:
        client.search_state("x")
    assert caught.value.reason == "timeout"
    assert "no answer within 10 s" in str(caught.value)


@pytest.mark.parametrize("status", [502, 503, 504])
def test_a_gateway_error_is_unreachable(fake, client, status):
    fake.on("GET", "/application", httpx.Response(status, text="<html>Bad Gateway</html>"))
    with pytest.raises(SlskdUnreachable) as caught:
        client.application_state()
    assert caught.value.reason == "gateway"


def test_credentials_in_the_url_never_appear_in_messages(fake):
    fake.on("GET", "/application", httpx.ConnectError("[Errno 111] Connection refused"))
    client = SlskdClient(
        "http://admin:hunter2@slskd.test:5030", KEY, transport=httpx.MockTransport(fake)
    )
    with pytest.raises(SlskdUnreachable) as caught:
        client.application_state()
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize("body", [b"{not json", b"<html>login</html>", b""])
def test_malformed_json_is_a_protocol_error(fake, client, body):
    fake.on("GET", "/application", httpx.Response(200, content=body))
    with pytest.raises(SlskdProtocolError, match="malformed JSON"):
        client.application_state()


@pytest.mark.parametrize("body", [b"[]", b'"Healthy"', b"42", b"null", b"true"])
def test_a_reply_of_the_wrong_shape_is_a_protocol_error(fake, client, body):
    fake.on("GET", "/application", httpx.Response(200, content=body))
    with pytest.raises(SlskdProtocolError, match="unexpected reply"):
        client.application_state()


def test_an_unexpected_status_is_a_protocol_error_carrying_slskds_message(fake, client):
    fake.on("GET", "/searches/x", js("Something broke inside slskd", 500))
    with pytest.raises(SlskdProtocolError) as caught:
        client.search_state("x")
    assert caught.value.status == 500
    assert "Something broke inside slskd" in str(caught.value)


def test_a_redirect_is_not_followed_but_reported(fake, client):
    fake.on("GET", "/application", httpx.Response(302, headers={"Location": "/login"}))
    with pytest.raises(SlskdProtocolError, match="302"):
        client.application_state()


def test_every_error_is_a_slskd_error():
    errors = (SlskdUnauthorized, SlskdRateLimited, SlskdUserOffline, SlskdNotFound)
    errors += (SlskdNotLoggedIn, SlskdProtocolError, SearchBudgetExhausted, SlskdUnreachable)
    assert all(issubclass(cls, SlskdError) for cls in errors)


# -- application, health and options ----------------------------------------------------------

APPLICATION = {
    "version": {
        "full": "0.26.0.0 (0.26.0.0+5770c7e4)",
        "current": "0.26.0.0",
        "latest": "0.26.0.0",
        "isUpdateAvailable": False,
        "isCanary": False,
        "isDevelopment": False,
    },
    "pendingReconnect": False,
    "pendingRestart": False,
    "server": {
        "address": "vps.slsknet.org",
        "ipEndPoint": "208.76.170.59:2271",
        "state": "Connected, LoggedIn",
        "isConnected": True,
        "isConnecting": False,
        "isLoggedIn": True,
        "isLoggingIn": False,
        "isTransitioning": False,
    },
    "user": {"username": "myslskuser"},
    "rooms": [],
    "users": [],
}
DISCONNECTED = {
    **APPLICATION,
    "server": {
        "state": "Disconnected",
        "isConnected": False,
        "isConnecting": False,
        "isLoggedIn": False,
        "isLoggingIn": False,
        "isTransitioning": False,
    },
}


def test_application_state_reads_version_and_server_state(fake, client):
    fake.on("GET", "/application", js(APPLICATION))
    state = client.application_state()
    assert (state.version, state.server_state) == ("0.26.0.0", "Connected, LoggedIn")
    assert state.is_logged_in and state.is_connected


def test_check_reports_connected(fake, client):
    fake.on("GET", "/application", js(APPLICATION))
    result = client.check()
    assert (result.status, result.version, result.ok) == ("connected", "0.26.0.0", True)


def test_check_reports_not_logged_in_when_slskd_is_disconnected(fake, client):
    fake.on("GET", "/application", js(DISCONNECTED))
    result = client.check()
    assert result.status == "not_logged_in"
    assert "Disconnected" in result.detail


@pytest.mark.parametrize(
    ("reply", "status"),
    [
        (httpx.Response(401), "unauthorized"),
        (httpx.ConnectError("[Errno 111] Connection refused"), "unreachable"),
        (httpx.Response(200, content=b"garbage"), "error"),
        (httpx.Response(500, json="boom"), "error"),
    ],
)
def test_check_never_raises(fake, client, reply, status):
    fake.on("GET", "/application", reply)
    result = client.check()
    assert result.status == status
    assert result.detail and not result.ok


def test_the_configured_downloads_dir_wins_over_slskds_own_path(fake, tmp_path):
    fake.on("GET", "/options", js({"directories": {"downloads": str(tmp_path)}}))
    client = make_client(fake, downloads_dir=tmp_path / "mounted")
    assert client.downloads_dir() == tmp_path / "mounted"
    assert fake.requests == []


def test_the_downloads_dir_falls_back_to_slskds_options_when_it_exists_here(fake, tmp_path):
    fake.on(
        "GET", "/options", js({"directories": {"downloads": str(tmp_path), "incomplete": "/x"}})
    )
    assert make_client(fake).downloads_dir() == tmp_path


def test_the_downloads_dir_is_unknown_when_slskds_path_is_not_visible_here(fake, tmp_path):
    fake.on("GET", "/options", js({"directories": {"downloads": str(tmp_path / "absent")}}))
    assert make_client(fake).downloads_dir() is None


def test_retry_attempts_come_from_the_options_and_default_to_one(fake, client):
    fake.on("GET", "/options", js({"transfers": {"download": {"retry": {"attempts": 3}}}}))
    assert client.download_retry_attempts() == 3
    fake.on("GET", "/options", js({"directories": {}}))
    assert make_client(fake).download_retry_attempts() == 1


# -- searches -----------------------------------------------------------------------------------


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


# -- enqueue --------------------------------------------------------------------------------


def test_enqueue_posts_exact_filenames_and_sizes_and_reads_ids_from_the_reply(fake, client):
    first, second = transfer_record(SONG_1), transfer_record(SONG_2, size=22100456)
    fake.on(
        "POST", "/transfers/downloads/flacfan", js({"enqueued": [first, second], "failed": []}, 201)
    )

    transfers = client.enqueue("flacfan", [(SONG_1, 27345678), (SONG_2, 22100456)])

    assert json.loads(fake.requests[0].content) == [
        {"filename": SONG_1, "size": 27345678},
        {"filename": SONG_2, "size": 22100456},
    ]
    assert fake.requests[0].headers["Content-Type"] == "application/json"
    assert [t.id for t in transfers] == [first["id"], second["id"]]
    assert transfers[0].state == "Queued, Locally" and transfers[0].username == "flacfan"
    assert len(fake.requests) == 1


def test_enqueue_escapes_every_character_of_the_username(fake, client):
    fake.on(
        "POST",
        "/transfers/downloads/dj%2Fshadow%20%3F",
        js({"enqueued": [transfer_record()], "failed": []}, 201),
    )
    client.enqueue("dj/shadow ?", [(SONG_1, 27345678)])
    assert fake.requests[0].url.raw_path == b"/api/v0/transfers/downloads/dj%2Fshadow%20%3F"


@pytest.mark.parametrize(("username", "raw"), [("..", "%2E%2E"), (".", "%2E"), ("a..b", "a..b")])
def test_dot_usernames_are_not_resolved_into_another_route(fake, client, username, raw):
    record = transfer_record(username=username)
    fake.on("GET", f"/transfers/downloads/{raw}/{record['id']}", js(record))
    assert client.get_transfer(username, record["id"]).username == username


def test_enqueue_on_old_slskd_resolves_ids_from_the_listing(fake, client):
    stale = transfer_record(
        SONG_1, "Completed, Succeeded", requestedAt="2026-08-01T10:00:00.0000000"
    )
    fresh = transfer_record(SONG_1, "Queued, Remotely", requestedAt="2026-08-22T18:12:00.0000000")
    removed = transfer_record(
        SONG_1, "Queued, Remotely", requestedAt="2026-08-23T00:00:00", removed=True
    )
    second = transfer_record(SONG_2, "Queued, Remotely")
    fake.on("POST", "/transfers/downloads/flacfan", httpx.Response(201))
    fake.on(
        "GET",
        "/transfers/downloads/flacfan",
        httpx.Response(404),
        js(user_listing(stale, fresh)),
        js(user_listing(stale, removed, fresh, second)),
    )

    transfers = client.enqueue("flacfan", [(SONG_1, 27345678), (SONG_2, 22100456)])

    assert [t.id for t in transfers] == [fresh["id"], second["id"]]
    assert len(fake.calls("GET", "/transfers/downloads/flacfan")) == 3


def test_enqueue_takes_an_already_active_transfer_for_a_failed_filename(fake, client):
    active = transfer_record(SONG_2, "InProgress")
    fake.on(
        "POST",
        "/transfers/downloads/flacfan",
        js({"enqueued": [transfer_record(SONG_1)], "failed": [SONG_2]}, 201),
    )
    fake.on("GET", "/transfers/downloads/flacfan", js(user_listing(active)))

    result = client.enqueue_files("flacfan", [(SONG_1, 27345678), (SONG_2, 22100456)])

    assert [t.filename for t in result.transfers] == [SONG_1, SONG_2]
    assert result.transfers[1].id == active["id"]
    assert result.failed == []


def test_enqueue_reports_a_refused_file_and_ignores_its_finished_old_record(fake, client):
    old = transfer_record(SONG_2, "Completed, Rejected")
    fake.on(
        "POST",
        "/transfers/downloads/flacfan",
        js({"enqueued": [transfer_record(SONG_1)], "failed": [{}]}, 201),
    )
    fake.on("GET", "/transfers/downloads/flacfan", js(user_listing(old)))

    result = client.enqueue_files("flacfan", [(SONG_1, 27345678), (SONG_2, 22100456)])

    assert [t.filename for t in result.transfers] == [SONG_1]
    assert [f.filename for f in result.failed] == [SONG_2]


def test_enqueue_reads_failure_messages_sent_as_objects(fake, client):
    failure = {"filename": SONG_1, "message": "Error: peer refused"}
    fake.on("POST", "/transfers/downloads/flacfan", js({"enqueued": [], "failed": [failure]}, 201))
    fake.on("GET", "/transfers/downloads/flacfan", httpx.Response(404))

    result = client.enqueue_files("flacfan", [(SONG_1, 27345678)])
    assert result.failed[0].message == "Error: peer refused"
    with pytest.raises(SlskdError, match="peer refused"):
        client.enqueue("flacfan", [(SONG_1, 27345678)])


def test_enqueue_from_an_offline_user_is_user_offline(fake, client):
    fake.on("POST", "/transfers/downloads/ghost", js("User ghost appears to be offline", 500))
    with pytest.raises(SlskdUserOffline, match="ghost appears to be offline"):
        client.enqueue("ghost", [(SONG_1, 27345678)])


def test_a_429_on_enqueue_is_retried(fake, client):
    reply = js({"enqueued": [transfer_record()], "failed": []}, 201)
    fake.on("POST", "/transfers/downloads/flacfan", js("busy", 429), reply)
    assert len(client.enqueue("flacfan", [(SONG_1, 27345678)])) == 1


def test_a_timed_out_legacy_enqueue_that_worked_is_found_in_the_listing(fake, client):
    record = transfer_record(SONG_1, "Queued, Remotely")
    fake.on("POST", "/transfers/downloads/flacfan", httpx.ReadTimeout("slow peer"))
    fake.on("GET", "/transfers/downloads/flacfan", js(user_listing(record)))
    assert [t.id for t in client.enqueue("flacfan", [(SONG_1, 27345678)])] == [record["id"]]


def test_a_legacy_500_keeps_the_files_that_were_queued_all_the_same(fake, client):
    queued = transfer_record(SONG_1, "Queued, Remotely")
    failed = transfer_record(SONG_2, "Completed, Errored")
    message = "One or more errors occurred. (Transfer failed: peer went away)"
    fake.on("POST", "/transfers/downloads/flacfan", js(message, 500))
    fake.on("GET", "/transfers/downloads/flacfan", js(user_listing(queued, failed)))

    result = client.enqueue_files("flacfan", [(SONG_1, 27345678), (SONG_2, 22100456)])

    assert [t.id for t in result.transfers] == [queued["id"]]
    assert [f.filename for f in result.failed] == [SONG_2]
    assert "peer went away" in result.failed[0].message


def test_a_500_with_nothing_queued_is_raised(fake, client):
    fake.on("POST", "/transfers/downloads/flacfan", js("Object reference not set", 500))
    fake.on("GET", "/transfers/downloads/flacfan", httpx.ConnectError("Connection refused"))
    with pytest.raises(SlskdProtocolError, match="Object reference not set"):
        client.enqueue("flacfan", [(SONG_1, 27345678)])


def test_a_refused_connection_on_enqueue_is_not_papered_over(fake, client):
    fake.on("POST", "/transfers/downloads/flacfan", httpx.ConnectError("Connection refused"))
    with pytest.raises(SlskdUnreachable):
        client.enqueue("flacfan", [(SONG_1, 27345678)])
    assert len(fake.requests) == 1


def test_an_unreadable_enqueue_reply_falls_back_to_the_listing(fake, client):
    record = transfer_record(SONG_1)
    fake.on("POST", "/transfers/downloads/flacfan", httpx.Response(201, content=b"{oops"))
    fake.on("GET", "/transfers/downloads/flacfan", js(user_listing(record)))
    assert client.enqueue("flacfan", [(SONG_1, 27345678)])[0].id == record["id"]


# -- reading, listing, cancelling ---------------------------------------------------------------


def test_get_transfer_reads_one_transfer_and_returns_none_when_unknown(fake, client):
    record = transfer_record(SONG_1, "InProgress", bytesTransferred=1000, percentComplete=12.5)
    fake.on("GET", f"/transfers/downloads/flacfan/{record['id']}", js(record))
    transfer = client.get_transfer("flacfan", record["id"])
    assert transfer is not None
    assert (transfer.bytes_transferred, transfer.percent_complete) == (1000, 12.5)
    assert client.get_transfer("flacfan", str(uuid.uuid4())) is None


def test_a_transfer_without_an_id_is_a_protocol_error(fake, client):
    fake.on(
        "GET", "/transfers/downloads/flacfan/t1", js({"filename": SONG_1, "state": "InProgress"})
    )
    with pytest.raises(SlskdProtocolError):
        client.get_transfer("flacfan", "t1")


def test_list_transfers_flattens_users_and_directories(fake, client):
    other = transfer_record("Music\\Other\\x.mp3", username="mp3user")
    listing = [
        user_listing(transfer_record(SONG_1), transfer_record(SONG_2)),
        user_listing(other, username="mp3user"),
    ]
    listing[0]["directories"][0]["files"].append({"not": "a transfer"})
    fake.on("GET", "/transfers/downloads", js(listing))

    transfers = client.list_transfers(include_removed=True)

    assert [t.filename for t in transfers] == [SONG_1, SONG_2, "Music\\Other\\x.mp3"]
    assert fake.requests[0].url.params["includeRemoved"] == "true"
    assert [
        t.filename for t in client.list_transfers(username="mp3user", include_removed=True)
    ] == ["Music\\Other\\x.mp3"]


def test_the_per_user_listing_is_one_object_and_404_means_none(fake, client):
    fake.on(
        "GET",
        "/transfers/downloads/flacfan",
        js(user_listing(transfer_record())),
        httpx.Response(404),
    )
    assert len(client.list_transfers(username="flacfan")) == 1
    assert client.list_transfers(username="flacfan") == []


def test_an_empty_listing_is_an_empty_list(fake, client):
    fake.on("GET", "/transfers/downloads", js([]))
    assert client.list_transfers() == []


def test_cancel_sends_a_delete_with_the_remove_flag(fake, client):
    fake.on("DELETE", "/transfers/downloads/flacfan/t1", httpx.Response(204), httpx.Response(404))
    client.cancel("flacfan", "t1", remove=True)
    client.cancel("flacfan", "t1")  # 404 from an old slskd: already gone, not an error
    assert [r.url.params["remove"] for r in fake.requests] == ["true", "false"]


def test_remove_completed_uses_the_literal_route(fake, client):
    fake.on("DELETE", "/transfers/downloads/all/completed", httpx.Response(204))
    client.remove_completed()
    assert len(fake.requests) == 1


def test_queue_position_is_an_integer(fake, client):
    fake.on("GET", "/transfers/downloads/flacfan/t1/position", js(7))
    assert client.queue_position("flacfan", "t1") == 7
    assert client.queue_position("flacfan", "t2") is None


# -- transfer states ---------------------------------------------------------------------------

STATES = [
    # state, completed, succeeded, failed, failure kind
    ("None", False, False, False, None),
    ("Queued, Locally", False, False, False, None),
    ("Requested", False, False, False, None),
    ("Queued, Remotely", False, False, False, None),
    ("Initializing", False, False, False, None),
    ("InProgress", False, False, False, None),
    ("Completed, Succeeded", True, True, False, None),
    ("Completed, Rejected", True, False, True, "rejected"),
    ("Completed, Errored", True, False, True, "errored"),
    ("Completed, TimedOut", True, False, True, "timed_out"),
    ("Completed, Cancelled", True, False, True, "cancelled"),
    ("Completed, Aborted", True, False, True, "aborted"),
    ("Completed", True, False, True, "errored"),
]


@pytest.mark.parametrize(("state", "completed", "succeeded", "failed", "kind"), STATES)
def test_every_transfer_state_is_parsed(state, completed, succeeded, failed, kind):
    transfer = Transfer.from_api(transfer_record(state=state))
    assert transfer.state == state
    assert (transfer.is_completed, transfer.is_succeeded, transfer.is_failed) == (
        completed,
        succeeded,
        failed,
    )
    assert transfer.failure_kind == kind
    assert transfer.is_active is not completed
    assert transfer.is_queued_remotely is (state == "Queued, Remotely")


def test_a_transfer_parses_dates_numbers_and_optional_fields():
    transfer = Transfer.from_api(
        transfer_record(
            state="Completed, Rejected",
            size="27345678",
            enqueuedAt="2026-08-22T18:12:01.2000000",
            startedAt="2026-08-22T18:12:02.0000000Z",
            endedAt="2026-08-22T18:12:02.0000000Z",
            exception="Transfer rejected: File not shared.",
            placeInQueue=4,
            averageSpeed=4971941.45,
            startOffset=0,
            stateDescription="Completed, Rejected",
        )
    )
    assert transfer.size == 27345678
    assert transfer.requested_at == datetime(2026, 8, 22, 18, 12, 0, 123456, UTC)
    assert transfer.enqueued_at == datetime(2026, 8, 22, 18, 12, 1, 200000, UTC)
    assert transfer.started_at == transfer.ended_at
    assert transfer.exception == "Transfer rejected: File not shared."
    assert (transfer.place_in_queue, transfer.average_speed) == (4, 4971941.45)
    assert transfer.directory == ALBUM_DIR


def test_a_transfer_with_omitted_fields_gets_safe_defaults():
    transfer = Transfer.from_api({"id": "t", "filename": "a/b/c.mp3"}, "someone")
    assert (transfer.username, transfer.state, transfer.size, transfer.removed) == (
        "someone",
        "None",
        0,
        False,
    )
    assert transfer.place_in_queue is None and transfer.ended_at is None
    assert transfer.directory == "a/b"


@pytest.mark.parametrize(
    ("state", "attempts", "ended_ago", "retry_attempts", "final"),
    [
        ("Completed, Rejected", 1, 1, 3, True),
        ("Completed, Cancelled", 1, 1, 3, True),
        ("Completed, Aborted", 1, 1, 3, True),
        ("Completed, Errored", 1, 1, 3, False),
        ("Completed, TimedOut", 2, 5, 3, False),
        ("Completed, TimedOut", 3, 1, 3, True),
        ("Completed, Errored", 1, 120, 3, True),
        ("Completed, Errored", 0, 1, 1, True),
        ("Completed, Succeeded", 1, 1, 3, False),
        ("InProgress", 1, 1, 3, False),
    ],
)
def test_a_failure_is_final_only_when_slskd_will_not_retry_it(
    state, attempts, ended_ago, retry_attempts, final
):
    now = datetime(2026, 8, 22, 18, 0, tzinfo=UTC)
    ended = (now - timedelta(seconds=ended_ago)).isoformat().replace("+00:00", "Z")
    transfer = Transfer.from_api(transfer_record(state=state, attempts=attempts, endedAt=ended))
    assert transfer.is_final_failure(retry_attempts, now=now) is final


# -- remote directories -----------------------------------------------------------------------

DIRECTORY = {
    "name": ALBUM_DIR,
    "fileCount": 2,
    "files": [
        {
            "attributeCount": 3,
            "attributes": [
                {"type": "Length", "value": 245},
                {"type": "SampleRate", "value": 44100},
                {"type": "BitDepth", "value": 16},
            ],
            "bitDepth": 16,
            "code": 1,
            "extension": "flac",
            "filename": "01 - First Song.flac",
            "length": 245,
            "sampleRate": 44100,
            "size": 27345678,
        },
        {
            "attributeCount": 2,
            "attributes": [
                {"type": "BitRate", "value": 320},
                {"type": "VariableBitRate", "value": 0},
            ],
            "code": 1,
            "extension": "mp3",
            "filename": "02 - Second Song.mp3",
            "size": 9000000,
        },
    ],
}


@pytest.mark.parametrize(
    "payload", [[DIRECTORY], DIRECTORY], ids=["array >=0.22.3", "object <=0.22.2"]
)
def test_directory_returns_full_remote_paths_for_both_reply_shapes(fake, client, payload):
    fake.on("POST", "/users/flacfan/directory", js(payload))
    files = client.directory("flacfan", ALBUM_DIR)
    assert json.loads(fake.requests[0].content) == {"directory": ALBUM_DIR}
    assert [f.filename for f in files] == [SONG_1, ALBUM_DIR + "\\02 - Second Song.mp3"]
    first, second = files
    assert (first.name, first.size, first.bit_depth, first.sample_rate, first.length) == (
        "01 - First Song.flac",
        27345678,
        16,
        44100,
        245,
    )
    assert (second.bit_rate, second.is_variable_bit_rate, second.sample_rate) == (320, False, None)
    assert (first.extension, second.extension) == ("flac", "mp3")
    assert "sampleRate" not in second.as_search_file()
    assert second.as_search_file()["bitRate"] == 320


def test_directory_joins_with_a_slash_when_the_folder_uses_slashes(fake, client):
    payload = [{"name": "music/Artist/Album", "files": [{"filename": "01.mp3", "size": 1}]}]
    fake.on("POST", "/users/flacfan/directory", js(payload))
    assert (
        client.directory("flacfan", "music/Artist/Album")[0].filename == "music/Artist/Album/01.mp3"
    )


def test_directory_of_an_offline_user_is_user_offline(fake, client):
    fake.on("POST", "/users/ghost/directory", js("User ghost appears to be offline", 404))
    with pytest.raises(SlskdUserOffline):
        client.directory("ghost", ALBUM_DIR)


# -- local files ------------------------------------------------------------------------------


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    root = tmp_path / "downloads"
    root.mkdir()
    return root


def write(path: Path, size: int, mtime: float | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def event_item(data: dict, kind: str = "DownloadFileComplete") -> dict:
    return {
        "timestamp": "2026-08-22T18:12:08.0000000Z",
        "type": kind,
        "data": json.dumps(data),
        "id": str(uuid.uuid4()),
    }


def test_the_computed_path_is_the_last_remote_folder_and_the_basename(fake, downloads):
    target = write(downloads / "Some Album (2001)" / "01 - First Song.flac", 10)
    client = make_client(fake, downloads_dir=downloads)
    assert client.local_path_for(SONG_1) == target.resolve()
    assert client.expected_local_path(SONG_1) == target.resolve()


def test_a_clash_rename_with_ticks_is_found_by_size_and_age(fake, downloads):
    folder = downloads / "Some Album (2001)"
    write(folder / "01 - First Song.flac", 5, mtime=1_000)  # someone else's, wrong size
    older = write(folder / "01 - First Song_639000000000000001.flac", 10, mtime=2_000)
    newer = write(folder / "01 - First Song_639000123456789012.flac", 10, mtime=3_000)
    write(folder / "01 - First Song_639000999999999999.flac", 7, mtime=4_000)  # wrong size
    write(folder / "01 - First Song_2.flac", 10, mtime=5_000)  # not a ticks suffix
    client = make_client(fake, downloads_dir=downloads)
    transfer = Transfer.from_api(transfer_record(SONG_1, "Completed, Succeeded", size=10))

    assert client.local_path_for(transfer) == newer.resolve()
    os.remove(newer)
    assert client.local_path_for(transfer) == older.resolve()


def test_a_missing_file_is_none(fake, downloads):
    assert make_client(fake, downloads_dir=downloads).local_path_for(SONG_1) is None


def test_without_a_downloads_dir_there_is_no_local_path(fake):
    fake.on("GET", "/options", js({"directories": {}}))
    assert make_client(fake).local_path_for(SONG_1) is None


def test_the_download_event_wins_and_is_re_rooted_onto_our_mount(fake, downloads):
    record = transfer_record(SONG_1, "Completed, Succeeded", size=10)
    renamed = write(downloads / "Some Album (2001)" / "01 - First Song_639000123456789012.flac", 10)
    write(downloads / "Some Album (2001)" / "01 - First Song.flac", 10, mtime=9_999_999_999)
    data = {
        "version": 0,
        "localFilename": "/app/downloads/Some Album (2001)/01 - First Song_639000123456789012.flac",
        "remoteFilename": SONG_1,
        "transfer": record,
    }
    other = {
        "localFilename": "/app/downloads/x.flac",
        "remoteFilename": "Music\\x.flac",
        "transfer": transfer_record("Music\\x.flac"),
    }
    fake.on(
        "GET",
        "/events",
        js(
            [event_item(other), event_item({"x": 1}, "DownloadDirectoryComplete"), event_item(data)]
        ),
    )
    fake.on("GET", "/options", js({"directories": {"downloads": "/app/downloads"}}))
    client = make_client(fake, downloads_dir=downloads)

    assert client.local_path_for(Transfer.from_api(record)) == renamed.resolve()
    assert client.local_path_for(SONG_1, "flacfan") == renamed.resolve()
    assert fake.calls("GET", "/events")[0].url.params["offset"] == "0"


@pytest.mark.parametrize(
    "local_filename",
    [
        "/app/downloads/../../etc/passwd",
        "/etc/passwd",
        "/app/downloads/Some Album (2001)/../../../outside.flac",
        "C:\\Windows\\system32\\x.flac",
        "/app/downloads/a\0b.flac",
        "",
    ],
)
def test_a_hostile_event_path_is_ignored_for_the_computed_one(fake, downloads, local_filename):
    computed = write(downloads / "Some Album (2001)" / "01 - First Song.flac", 10)
    write(downloads.parent / "outside.flac", 10)
    record = transfer_record(SONG_1, "Completed, Succeeded", size=10)
    data = {"localFilename": local_filename, "remoteFilename": SONG_1, "transfer": record}
    fake.on("GET", "/events", js([event_item(data)]))
    fake.on("GET", "/options", js({"directories": {"downloads": "/app/downloads"}}))
    client = make_client(fake, downloads_dir=downloads)
    assert client.local_path_for(Transfer.from_api(record)) == computed.resolve()


def test_unavailable_events_fall_back_to_the_computed_path(fake, downloads):
    target = write(downloads / "Some Album (2001)" / "01 - First Song.flac", 10)
    fake.on("GET", "/events", httpx.ConnectError("Connection refused"))
    client = make_client(fake, downloads_dir=downloads)
    transfer = Transfer.from_api(transfer_record(SONG_1, "Completed, Succeeded", size=10))
    assert client.local_path_for(transfer) == target.resolve()


HOSTILE = [
    "..\\..\\x.flac",
    "..\\x.flac",
    "Music\\..\\..",
    "Album\\..",
    ".\\x.flac",
    "Album\\.",
    "Album\\",
    "",
    "../../x.flac",
    "a/../../../x.flac",
    "..",
    "x" * 400 + ".flac",
    "Music\\" + "y" * 400 + "\\x.flac",
    "Music\\Album\\" + "é" * 130 + ".flac",
]


@pytest.mark.parametrize("remote", HOSTILE)
def test_hostile_remote_filenames_give_no_path(fake, downloads, remote):
    write(downloads.parent / "x.flac", 10)
    client = make_client(fake, downloads_dir=downloads)
    assert client.expected_local_path(remote) is None
    assert client.local_path_for(remote) is None


@pytest.mark.parametrize(
    "remote",
    [
        "C:\\x.flac",
        "/etc/passwd",
        "\\\\server\\share\\x.flac",
        "Music\\a\0b\\c\0d.flac",
        "a/b\\c/d.flac",
        "Album\\..x.flac",
        "x.flac",
    ],
)
def test_odd_but_harmless_remote_filenames_stay_inside_the_downloads_dir(fake, downloads, remote):
    client = make_client(fake, downloads_dir=downloads)
    path = client.expected_local_path(remote)
    assert (
        path is not None
        and path.is_relative_to(downloads.resolve())
        and path != downloads.resolve()
    )
    assert "\0" not in str(path)


def test_nul_bytes_are_replaced_like_slskd_does(downloads):
    expected = (downloads / "Album_X" / "Back_.flac").resolve()
    assert expected_path(downloads, "Music\\Album\0X\\Back\0.flac") == expected


def test_a_path_with_a_slash_is_split_on_slashes_like_slskd_does(downloads):
    expected = (downloads / "DC\\Live" / "x.flac").resolve()
    assert expected_path(downloads, "Music\\AC/DC\\Live/x.flac") == expected


def test_a_symlinked_folder_pointing_outside_is_not_followed(fake, downloads):
    outside = downloads.parent / "elsewhere"
    write(outside / "01 - First Song.flac", 10)
    (downloads / "Some Album (2001)").symlink_to(outside, target_is_directory=True)
    client = make_client(fake, downloads_dir=downloads)
    assert client.local_path_for(SONG_1) is None


def test_a_symlinked_clash_file_pointing_outside_is_skipped(fake, downloads):
    folder = downloads / "Some Album (2001)"
    inside = write(folder / "01 - First Song.flac", 10, mtime=1_000)
    secret = write(downloads.parent / "secret.flac", 10)
    (folder / "01 - First Song_639000123456789012.flac").symlink_to(secret)
    client = make_client(fake, downloads_dir=downloads)
    assert client.local_path_for(Transfer.from_api(transfer_record(size=10))) == inside.resolve()


# -- settings -------------------------------------------------------------------------------


def test_no_client_without_slskd_url(settings):
    settings.SLSKD_URL = ""
    assert not is_configured()
    assert client_from_settings() is None


def test_the_configured_client_uses_settings_and_a_file_budget(settings, tmp_path):
    settings.SLSKD_URL = "http://nas:5030"
    settings.SLSKD_API_KEY = KEY
    settings.SLSKD_DOWNLOADS_DIR = tmp_path / "dl"
    settings.DATA_DIR = tmp_path
    settings.SLSKD_SEARCH_BUDGET = 5
    settings.SLSKD_SEARCH_WINDOW_SECONDS = 60
    with client_from_settings() as client:
        assert is_configured()
        assert client.base_url == "http://nas:5030"
        assert client.configured_downloads_dir == tmp_path / "dl"
        assert (client.budget.limit, client.budget.window) == (5, 60)
        client.budget.acquire()
    assert (tmp_path / "slskd-search-budget.json").exists()
