"""The fake accounts service: PKCE authorization, code exchange, refresh-token rotation."""

from __future__ import annotations

import base64
import threading

import httpx
import pytest
from spotipy.exceptions import SpotifyOauthError

from fakes.spotify import FakeSpotify, SpotifyWorld
from tests.fake_spotify.conftest import CLIENT_ID, REDIRECT_URI, SCOPES, authorize, link, make_auth


def _authorize_params(**changes: str) -> dict[str, str]:
    params = {
        "client_id": CLIENT_ID,
        "response_type": "code",
        "redirect_uri": REDIRECT_URI,
        "code_challenge_method": "S256",
        "code_challenge": "X5pKKutjKG1CWkLi0eIyOCiWdX_3zFMqv0chpjzMEDY",
        "scope": SCOPES,
        "state": "s1",
    }
    params.update(changes)
    return {k: v for k, v in params.items() if v != "-"}


def test_spotipy_pkce_login_gets_a_token_that_the_api_accepts(fake) -> None:
    linked = link(fake)

    me = linked.sp.me()

    assert me["id"] == "me" and me["type"] == "user" and me["account_id"]
    assert not {"email", "country", "product"} & set(me)
    assert [t["outcome"] for t in fake.token_requests()] == ["ok"]
    token = linked.auth.cache_handler.get_cached_token()
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    assert token["scope"] == SCOPES and token["refresh_token"]


def test_authorize_redirects_back_with_the_code_and_the_state(fake) -> None:
    answer = httpx.get(fake.url + "/authorize", params=_authorize_params())

    query = httpx.URL(answer.headers["location"]).params
    assert answer.status_code == 302
    assert answer.headers["location"].startswith(REDIRECT_URI + "?code=")
    assert query["state"] == "s1" and len(query["code"]) > 20


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"client_id": "someone-else"}, "INVALID_CLIENT: Invalid client"),
        ({"redirect_uri": "http://localhost:8000/cb"}, "INVALID_CLIENT: Insecure redirect URI"),
        ({"redirect_uri": "http://192.168.1.5/cb"}, "INVALID_CLIENT: Insecure redirect URI"),
        ({"redirect_uri": "soulspot://cb"}, "INVALID_CLIENT: Invalid redirect URI"),
        ({"redirect_uri": "http://127.0.0.1:port/cb"}, "INVALID_CLIENT: Invalid redirect URI"),
        ({"redirect_uri": "https://[::1/cb"}, "INVALID_CLIENT: Invalid redirect URI"),
        ({"response_type": "token"}, "response_type must be code"),
        ({"code_challenge_method": "plain"}, "code_challenge_method must be S256"),
        ({"code_challenge": "-"}, "code_challenge_method must be S256"),
    ],
)
def test_authorize_refuses_a_bad_request_with_a_400_page(fake, changes, message) -> None:
    answer = httpx.get(fake.url + "/authorize", params=_authorize_params(**changes))

    assert answer.status_code == 400
    assert message in answer.text


@pytest.mark.parametrize("uri", ["https://soulspot.example/cb", "http://[::1]:8000/cb"])
def test_https_and_loopback_ip_redirects_are_allowed(fake, uri) -> None:
    answer = httpx.get(fake.url + "/authorize", params=_authorize_params(redirect_uri=uri))

    assert answer.status_code == 302
    assert answer.headers["location"].startswith(uri + "?code=")


def test_a_denied_consent_redirects_with_access_denied_once(fake) -> None:
    fake.world.deny_next_authorization = True

    denied = httpx.get(fake.url + "/authorize", params=_authorize_params())
    granted = httpx.get(fake.url + "/authorize", params=_authorize_params())

    assert denied.headers["location"] == REDIRECT_URI + "?error=access_denied&state=s1"
    assert "code=" in granted.headers["location"]


def test_a_wrong_verifier_is_refused(fake) -> None:
    auth = make_auth(fake)
    code = authorize(auth)["code"][0]
    auth.code_verifier = "not-the-verifier-that-made-the-challenge-" + "x" * 10

    with pytest.raises(SpotifyOauthError) as error:
        auth.get_access_token(code=code, check_cache=False)

    assert (error.value.error, error.value.error_description) == (
        "invalid_grant",
        "code_verifier was incorrect",
    )
    assert fake.token_requests()[-1]["outcome"] == "invalid_grant"


def test_a_code_works_once(fake) -> None:
    auth = make_auth(fake)
    code = authorize(auth)["code"][0]
    auth.get_access_token(code=code, check_cache=False)

    with pytest.raises(SpotifyOauthError) as error:
        auth.get_access_token(code=code, check_cache=False)

    assert error.value.error_description == "Invalid authorization code"
    assert [t["outcome"] for t in fake.token_requests()] == ["ok", "invalid_grant"]


def test_an_expired_code_or_another_redirect_uri_is_refused(fake) -> None:
    auth = make_auth(fake)
    code = authorize(auth)["code"][0]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": CLIENT_ID,
        "redirect_uri": "https://elsewhere.example/cb",
        "code_verifier": auth.code_verifier,
    }

    moved = httpx.post(fake.url + "/api/token", data=form)
    fake.accounts.code_lifetime = -1
    late = httpx.post(fake.url + "/api/token", data={**form, "redirect_uri": REDIRECT_URI})

    assert moved.json() == {"error": "invalid_grant", "error_description": "Invalid redirect URI"}
    assert late.json()["error_description"] == "Authorization code expired"


def test_refresh_tokens_rotate_and_an_old_one_is_revoked(fake) -> None:
    linked = link(fake)
    first = linked.auth.cache_handler.get_cached_token()["refresh_token"]

    renewed = linked.auth.refresh_access_token(first)
    with pytest.raises(SpotifyOauthError) as error:
        linked.auth.refresh_access_token(first)

    assert renewed["refresh_token"] != first
    assert error.value.error_description == "Refresh token revoked"
    assert linked.sp.me()["id"] == "me"  # the new access token works
    outcomes = [(t["grant_type"], t["outcome"]) for t in fake.token_requests()]
    assert outcomes[1:] == [("refresh_token", "ok"), ("refresh_token", "invalid_grant")]


def test_of_concurrent_refreshes_with_one_token_exactly_one_wins(fake) -> None:
    refresh = fake.issue_token(SCOPES)["refresh_token"]
    start = threading.Barrier(6)
    statuses: list[int] = []

    def refresh_once() -> None:
        start.wait()
        form = {"grant_type": "refresh_token", "refresh_token": refresh, "client_id": CLIENT_ID}
        statuses.append(httpx.post(fake.url + "/api/token", data=form).status_code)

    threads = [threading.Thread(target=refresh_once) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 400, 400, 400, 400, 400]


def test_basic_client_auth_is_accepted_and_a_wrong_secret_refused() -> None:
    fake = FakeSpotify(SpotifyWorld(), client_id=CLIENT_ID, client_secret="s3cret")
    with fake:
        refresh = fake.issue_token()["refresh_token"]

        def post(secret: str) -> httpx.Response:
            basic = base64.b64encode(f"{CLIENT_ID}:{secret}".encode()).decode()
            form = {"grant_type": "refresh_token", "refresh_token": refresh}
            return httpx.post(
                fake.url + "/api/token", data=form, headers={"Authorization": f"Basic {basic}"}
            )

        wrong = post("guess")
        right = post("s3cret")

    assert (wrong.status_code, wrong.json()["error"]) == (400, "invalid_client")
    assert right.status_code == 200 and right.json()["refresh_token"] != refresh


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({}, "unsupported_grant_type"),
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"grant_type": "refresh_token", "refresh_token": "nope"}, "invalid_grant"),
        ({"grant_type": "refresh_token", "client_id": "other"}, "invalid_client"),
    ],
)
def test_token_endpoint_errors_use_the_oauth_shape(fake, form, error) -> None:
    answer = httpx.post(fake.url + "/api/token", data={"client_id": CLIENT_ID, **form})

    assert answer.status_code == 400
    assert answer.json()["error"] == error and answer.json()["error_description"]
