"""Tests against the fake Spotify: start it, point SoulSpot at it, connect an account."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.utils.module_loading import import_string
from django_q.models import OrmQ

from fakes.spotify import FakeSpotify, SpotifyWorld
from metadata.providers import spotify
from metadata.providers.spotify import store

CLIENT_ID = "soulspot-test"
REDIRECT_URI = "http://127.0.0.1:8000/spotify/callback"


@pytest.fixture
def world() -> SpotifyWorld:
    return SpotifyWorld(user_id="me", display_name="Demo Listener")


@pytest.fixture
def fake_spotify(settings, world: SpotifyWorld, tmp_path: Path) -> Iterator[FakeSpotify]:
    """A running fake Spotify that SoulSpot's settings point at, with a key file of its own."""
    fake = FakeSpotify(world, client_id=CLIENT_ID, port=0)
    fake.start()
    settings.SPOTIFY_CLIENT_ID = CLIENT_ID
    settings.SPOTIFY_CLIENT_SECRET = ""
    settings.SPOTIFY_REDIRECT_URI = REDIRECT_URI
    settings.SPOTIFY_ACCOUNTS_URL = fake.url
    settings.SPOTIFY_API_URL = fake.url + "/v1"
    settings.SPOTIFY_TIMEOUT_SECONDS = 5
    settings.METADATA_PROVIDERS_ENABLED = True
    settings.SOULSPOT_SECRET_KEY_FILE = tmp_path / "spotify-test-secret.key"
    yield fake
    fake.stop()


def authorize(url: str) -> dict[str, str]:
    """Follow the authorize URL as the browser would (the fake consents at once); the query
    Spotify sends back to the redirect URI."""
    response = httpx.get(url, follow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(REDIRECT_URI + "?")
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def connect() -> spotify.SpotifyUser:
    """The whole PKCE connect, as the connect view and the callback view will run it."""
    answer = authorize(spotify.start_authorization())
    return spotify.complete_authorization(answer["code"], answer["state"])


def connect_through_pages(api_client, browser) -> None:
    """Connect as a user does: the API gives the authorize URL, the fake consents and sends
    the browser back to SoulSpot's callback page with the code and the state."""
    response = api_client.get("/api/spotify/authorize")
    assert response.status_code == 200, response.content
    answer = authorize(response.json()["authorize_url"])
    back = browser.get("/spotify/callback", answer)
    assert back.status_code == 302, back.content


def run_queued(prefix: str = "automation.") -> list[str]:
    """Run the queued tasks whose path starts with `prefix` here, until none is left; other
    tasks (the download engine's pump...) are dropped. Returns what each task answered."""
    answers = []
    while rows := list(OrmQ.objects.order_by("pk")):
        for row in rows:
            task = row.task
            row.delete()
            task_path, _request_id, *args = task["args"]
            if task_path.startswith(prefix):
                answers.append(import_string(task_path)(*args))
    return answers


def expire_stored_token() -> None:
    """Make the stored access token look expired (as an hour later), without touching Spotify."""
    info = store.read_token()
    assert info is not None
    store.save_token({**info, "expires_at": int(time.time()) - 10})


def stored_token() -> dict:
    info = store.read_token()
    assert info is not None
    return info


def successful_refreshes(fake: FakeSpotify) -> list[dict]:
    return [
        r
        for r in fake.token_requests()
        if r["grant_type"] == "refresh_token" and r["outcome"] == "ok"
    ]


def refresh_elsewhere(fake: FakeSpotify, refresh_token: str) -> dict:
    """Another client spends the refresh token: Spotify rotates it, ours is revoked."""
    response = httpx.post(
        fake.url + "/api/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": CLIENT_ID,
        },
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return json.loads(response.text)
