"""Connecting Spotify with PKCE against the fake: one-time states, encrypted tokens at rest,
refresh, a revoked refresh token, disconnecting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.admin.sites import site
from django.db import connection as db_connection
from django.test import Client
from django.utils import timezone

from accounts.models import SpotifyAuthRequest, SpotifyConnection
from metadata.providers import spotify
from metadata.providers.spotify import client, store
from soulspot.lib import secret_box
from tests.spotify_support import (
    CLIENT_ID,
    authorize,
    connect,
    expire_stored_token,
    fake_spotify,
    refresh_elsewhere,
    stored_token,
    successful_refreshes,
    world,
)

pytestmark = pytest.mark.django_db
__all__ = ["fake_spotify", "world"]  # fixtures


def test_connecting_runs_pkce_end_to_end_and_stores_who_is_connected(fake_spotify) -> None:
    url = spotify.start_authorization()
    query = authorize(url)

    user = spotify.complete_authorization(query["code"], query["state"])

    assert user == spotify.SpotifyUser(id="me", display_name="Demo Listener")
    row = spotify.connection()
    assert row is not None and row.has_tokens and not row.error
    assert (row.spotify_user_id, row.display_name) == ("me", "Demo Listener")
    assert row.connected_at is not None and row.expires_at > timezone.now()
    assert stored_token()["scope"] == spotify.SCOPES
    [exchange] = fake_spotify.token_requests()
    assert (exchange["grant_type"], exchange["outcome"]) == ("authorization_code", "ok")
    assert "code_challenge_method=S256" in url and f"client_id={CLIENT_ID}" in url
    # The state is spent: the same callback again is refused.
    with pytest.raises(spotify.SpotifyAuthError, match="already used"):
        spotify.complete_authorization(query["code"], query["state"])


def test_a_tampered_verifier_is_refused_by_spotify(fake_spotify) -> None:
    query = authorize(spotify.start_authorization())
    SpotifyAuthRequest.objects.update(encrypted_verifier=secret_box.encrypt("x" * 64))

    with pytest.raises(spotify.SpotifyAuthError, match="code_verifier was incorrect"):
        spotify.complete_authorization(query["code"], query["state"])

    assert [r["outcome"] for r in fake_spotify.token_requests()] == ["invalid_grant"]
    assert spotify.connection() is None


def test_a_state_spotify_never_saw_is_refused_before_any_token_request(fake_spotify) -> None:
    query = authorize(spotify.start_authorization())

    for state in ("made-up", "", query["state"] + "x", "\x00", "s" * 500):
        with pytest.raises(spotify.SpotifyAuthError, match="unknown, expired"):
            spotify.complete_authorization(query["code"], state)

    assert fake_spotify.token_requests() == []
    # The real state is still good after the forgeries.
    assert spotify.complete_authorization(query["code"], query["state"]).id == "me"


def test_a_state_older_than_ten_minutes_is_refused(fake_spotify) -> None:
    query = authorize(spotify.start_authorization())
    eleven_minutes_ago = timezone.now() - timedelta(minutes=11)
    SpotifyAuthRequest.objects.update(
        created_at=eleven_minutes_ago, expires_at=eleven_minutes_ago + SpotifyAuthRequest.LIFETIME
    )

    with pytest.raises(spotify.SpotifyAuthError, match="expired"):
        spotify.complete_authorization(query["code"], query["state"])

    assert fake_spotify.token_requests() == []
    assert spotify.connection() is None


def test_states_expired_for_over_a_day_are_pruned_when_a_new_connect_starts(fake_spotify) -> None:
    spotify.start_authorization()
    SpotifyAuthRequest.objects.update(expires_at=timezone.now() - timedelta(days=1, minutes=1))
    spotify.start_authorization()
    recent = spotify.start_authorization()

    assert SpotifyAuthRequest.objects.count() == 2
    assert authorize(recent)["state"] in SpotifyAuthRequest.objects.values_list("state", flat=True)


def test_consent_denied_spends_the_state_and_says_so(fake_spotify, world) -> None:
    world.deny_next_authorization = True
    query = authorize(spotify.start_authorization())
    assert query["error"] == "access_denied"

    with pytest.raises(spotify.SpotifyAuthError, match="declined"):
        spotify.complete_authorization_error(query["error"], query["state"])

    assert SpotifyAuthRequest.objects.get().used_at is not None
    with pytest.raises(spotify.SpotifyAuthError, match="already used"):
        spotify.complete_authorization_error("access_denied", query["state"])


def test_an_empty_code_spends_the_state_without_asking_spotify(fake_spotify) -> None:
    query = authorize(spotify.start_authorization())

    with pytest.raises(spotify.SpotifyAuthError, match="no usable authorization code"):
        spotify.complete_authorization("", query["state"])

    assert fake_spotify.token_requests() == []
    assert SpotifyAuthRequest.objects.get().used_at is not None


def test_no_token_or_verifier_is_stored_in_clear(fake_spotify) -> None:
    pending = authorize(spotify.start_authorization())  # one connect left unfinished
    connect()
    token = stored_token()
    verifiers = [secret_box.decrypt(r.encrypted_verifier) for r in SpotifyAuthRequest.objects.all()]
    table_rows = []
    with db_connection.cursor() as cursor:
        for table in ("accounts_spotifyconnection", "accounts_spotifyauthrequest"):
            cursor.execute(f"SELECT * FROM {table}")
            table_rows += [" ".join(str(value) for value in row) for row in cursor.fetchall()]

    dump = "\n".join(table_rows)
    assert pending["state"] in dump  # the raw read does see the rows
    for secret in (token["access_token"], token["refresh_token"], *verifiers):
        assert len(secret) > 20 and secret not in dump


def test_a_token_near_expiry_is_refreshed_and_the_rotated_refresh_token_kept(fake_spotify) -> None:
    connect()
    before = stored_token()
    expire_stored_token()

    assert spotify.current_user().id == "me"

    after = stored_token()
    assert after["access_token"] != before["access_token"]
    assert after["refresh_token"] != before["refresh_token"]  # the fake rotates it
    assert len(successful_refreshes(fake_spotify)) == 1
    assert fake_spotify.api_requests(r"^/v1/me")[-1].headers["authorization"] == (
        "Bearer " + after["access_token"]
    )
    assert spotify.current_user().id == "me" and len(successful_refreshes(fake_spotify)) == 1


def test_a_revoked_refresh_token_means_reconnect_with_the_reason_shown(fake_spotify) -> None:
    connect()
    refresh_elsewhere(fake_spotify, stored_token()["refresh_token"])
    expire_stored_token()

    with pytest.raises(spotify.SpotifyNotConnected, match="Refresh token revoked"):
        spotify.current_user()

    row = spotify.connection()
    assert row is not None and not row.has_tokens
    assert "Refresh token revoked" in row.error and "Reconnect" in row.error
    assert fake_spotify.token_requests()[-1]["outcome"] == "invalid_grant"
    # Later calls say the same without asking Spotify again.
    with pytest.raises(spotify.SpotifyNotConnected, match="Refresh token revoked"):
        list(spotify.my_playlists())
    assert len(fake_spotify.token_requests()) == 3
    # Reconnecting clears the reason.
    connect()
    assert spotify.connection().error == ""


def test_tokens_encrypted_with_a_lost_key_mean_reconnect(fake_spotify, settings, tmp_path) -> None:
    connect()
    original_key = settings.SOULSPOT_SECRET_KEY_FILE
    settings.SOULSPOT_SECRET_KEY_FILE = tmp_path / "restored-install.key"

    with pytest.raises(spotify.SpotifyNotConnected, match="key"):
        spotify.current_user()

    assert "Reconnect" in spotify.connection().error
    assert len(fake_spotify.api_requests()) == 1  # the connect's own /me: nothing was sent
    # The tokens were kept: with the right key file back, Spotify works again.
    settings.SOULSPOT_SECRET_KEY_FILE = original_key
    assert spotify.current_user().id == "me"
    assert spotify.connection().error == ""


def test_disconnect_forgets_the_tokens_and_pending_connects(fake_spotify) -> None:
    connect()
    spotify.start_authorization()

    spotify.disconnect()

    assert spotify.connection() is None
    assert not SpotifyAuthRequest.objects.exists()
    with pytest.raises(spotify.SpotifyNotConnected):
        spotify.current_user()


def test_with_no_client_id_spotify_is_off(settings) -> None:
    settings.SPOTIFY_CLIENT_ID = ""

    assert spotify.is_configured() is False
    with pytest.raises(spotify.SpotifyNotConfigured):
        spotify.start_authorization()
    with pytest.raises(spotify.SpotifyNotConfigured):
        spotify.complete_authorization("code", "state")
    with pytest.raises(spotify.SpotifyNotConfigured):
        spotify.current_user()


def test_with_a_client_secret_token_requests_send_basic_auth(fake_spotify, settings) -> None:
    settings.SPOTIFY_CLIENT_SECRET = "s3cret"

    connect()

    [exchange] = fake_spotify.requests_for("/api/token")
    assert exchange.headers["authorization"].startswith("Basic ")


def test_the_admin_shows_the_connection_but_never_its_tokens(fake_spotify, user) -> None:
    connect()
    token = stored_token()
    client = Client()
    client.force_login(user)
    row = SpotifyConnection.objects.get()

    pages = [
        client.get("/admin/accounts/spotifyconnection/"),
        client.get(f"/admin/accounts/spotifyconnection/{row.pk}/change/"),
        client.get("/admin/accounts/spotifyauthrequest/"),
    ]

    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        for secret in (token["access_token"], token["refresh_token"], row.encrypted_token):
            assert secret not in html
    assert "Demo Listener" in pages[0].content.decode()
    admin = site._registry[SpotifyConnection]
    assert not admin.has_add_permission(None) and not admin.has_change_permission(None)
    assert store.read_token() == token  # looking changed nothing


def test_a_refresh_finishing_after_disconnect_does_not_bring_the_connection_back(
    fake_spotify,
) -> None:
    connect()
    refresh_token = stored_token()["refresh_token"]
    spotify.disconnect()

    client.refresh(refresh_token)  # as a process that was mid-refresh would

    assert successful_refreshes(fake_spotify) and spotify.connection() is None


def test_when_the_profile_cannot_be_read_the_tokens_are_kept(fake_spotify) -> None:
    query = authorize(spotify.start_authorization())
    fake_spotify.fail_next(r"^/v1/me", 503, times=3)

    with pytest.raises(spotify.SpotifyUnavailable):
        spotify.complete_authorization(query["code"], query["state"])

    row = spotify.connection()
    assert row is not None and row.has_tokens and row.connected_at is not None
    assert row.spotify_user_id == ""
    assert spotify.current_user().id == "me"  # the connection works once Spotify is back
