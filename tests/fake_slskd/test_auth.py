"""Authentication and the protocol conventions every endpoint shares (spec §1, §2)."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from fakes.slskd import FakeSlskd


def test_it_rejects_a_request_without_credentials_with_an_empty_401_and_a_bearer_challenge(
    fake: FakeSlskd,
) -> None:
    reply = httpx.get(f"{fake.url}/api/v0/application")
    assert reply.status_code == 401
    assert reply.content == b""
    assert reply.headers["WWW-Authenticate"] == "Bearer"


def test_it_rejects_an_unknown_api_key(fake: FakeSlskd) -> None:
    reply = httpx.get(f"{fake.url}/api/v0/application", headers={"X-API-Key": "wrong-key-000000"})
    assert reply.status_code == 401
    assert reply.content == b""


def test_it_accepts_the_api_key_header_in_any_case(fake: FakeSlskd) -> None:
    reply = httpx.get(f"{fake.url}/api/v0/application", headers={"x-api-key": fake.api_key})
    assert reply.status_code == 200
    assert reply.headers["api-supported-versions"] == "0"


def test_a_session_token_works_as_a_bearer_token(fake: FakeSlskd) -> None:
    login = httpx.post(
        f"{fake.url}/api/v0/session", json={"username": "slskd", "password": "slskd"}
    )
    assert login.status_code == 200
    body = login.json()
    assert body["tokenType"] == "Bearer"
    assert body["name"] == "slskd"
    assert body["expires"] > body["issued"] == body["notBefore"]
    bearer = {"Authorization": f"Bearer {body['token']}"}
    assert httpx.get(f"{fake.url}/api/v0/session", headers=bearer).status_code == 200
    assert httpx.get(f"{fake.url}/api/v0/application", headers=bearer).status_code == 200


def test_a_forged_bearer_token_gets_an_invalid_token_challenge(fake: FakeSlskd) -> None:
    token = httpx.post(
        f"{fake.url}/api/v0/session", json={"username": "slskd", "password": "slskd"}
    ).json()["token"]
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    reply = httpx.get(f"{fake.url}/api/v0/session", headers={"Authorization": f"Bearer {forged}"})
    assert reply.status_code == 401
    assert reply.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_login_with_wrong_or_blank_credentials(fake: FakeSlskd) -> None:
    wrong = httpx.post(f"{fake.url}/api/v0/session", json={"username": "slskd", "password": "x"})
    assert (wrong.status_code, wrong.content) == (401, b"")
    blank = httpx.post(f"{fake.url}/api/v0/session", json={"username": "", "password": ""})
    assert blank.status_code == 400
    assert blank.json() == "Username and/or Password missing or invalid"


def test_session_enabled_and_health_are_anonymous(fake: FakeSlskd) -> None:
    assert httpx.get(f"{fake.url}/api/v0/session/enabled").json() is True
    health = httpx.get(f"{fake.url}/health")
    assert (health.status_code, health.text) == (200, "Healthy")
    assert health.headers["content-type"].startswith("text/plain")


def test_no_auth_mode_lets_everything_through(make_fake: Callable[..., FakeSlskd]) -> None:
    fake = make_fake(auth_disabled=True)
    assert httpx.get(f"{fake.url}/api/v0/session/enabled").json() is False
    assert httpx.get(f"{fake.url}/api/v0/application").status_code == 200


def test_routes_are_case_insensitive_and_tolerate_a_trailing_slash(fake: FakeSlskd) -> None:
    headers = {"X-API-Key": fake.api_key}
    assert httpx.get(f"{fake.url}/API/V0/Transfers/Downloads/", headers=headers).json() == []
    assert httpx.get(f"{fake.url}/api/v0/application/version/", headers=headers).status_code == 200


def test_unknown_api_paths_are_404_with_an_empty_body(fake: FakeSlskd) -> None:
    headers = {"X-API-Key": fake.api_key}
    reply = httpx.get(f"{fake.url}/api/v0/nothing/here", headers=headers)
    assert (reply.status_code, reply.content) == (404, b"")
    unauthenticated = httpx.get(f"{fake.url}/api/v0/nothing")
    assert unauthenticated.status_code == 404


def test_url_base_prefix_is_honoured(make_fake: Callable[..., FakeSlskd]) -> None:
    fake = make_fake(url_base="/slskd")
    assert fake.url.endswith("/slskd")
    reply = httpx.get(f"{fake.url}/api/v0/application/version", headers={"X-API-Key": fake.api_key})
    assert reply.json() == "0.26.0.0"


def test_a_body_that_is_not_json_gets_415(fake: FakeSlskd) -> None:
    url = f"{fake.url}/api/v0/searches"
    headers = {"X-API-Key": fake.api_key}
    text = httpx.post(
        url, content=b"searchText=x", headers={**headers, "Content-Type": "text/plain"}
    )
    assert (text.status_code, text.content) == (415, b"")
    no_type = httpx.post(url, content=b'{"searchText":"some album"}', headers=headers)
    assert no_type.status_code == 415


def test_a_wrong_method_on_a_known_path_is_405(fake: FakeSlskd) -> None:
    reply = httpx.patch(f"{fake.url}/api/v0/searches", headers={"X-API-Key": fake.api_key})
    assert reply.status_code == 405
