"""The client's request conventions (key, User-Agent, URL base) and how it reports errors."""

from __future__ import annotations

import uuid

import httpx
import pytest

from downloads.slskd import (
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
)
from tests.downloads.slskd.support import BASE, KEY, js, search_record


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
