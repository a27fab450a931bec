"""Helpers for Spotify tests: a fake Spotify with SoulSpot pointed at it, the PKCE connect
dance through the real API and callback page, and running queued automation tasks here."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
from django.test import Client
from django.utils.module_loading import import_string
from django_q.models import OrmQ

from fakes.spotify import FakeSpotify, SpotifyWorld

CLIENT_ID = "soulspotTestClient"


def point_settings_at(settings, fake: FakeSpotify) -> None:
    settings.SPOTIFY_CLIENT_ID = CLIENT_ID
    settings.SPOTIFY_ACCOUNTS_URL = fake.url
    settings.SPOTIFY_API_URL = fake.url + "/v1"
    settings.SPOTIFY_REDIRECT_URI = "http://127.0.0.1:8000/spotify/callback"


def start_fake(settings, world: SpotifyWorld) -> FakeSpotify:
    fake = FakeSpotify(world, client_id=CLIENT_ID, port=0)
    fake.start()
    point_settings_at(settings, fake)
    return fake


def connect(api_client: Client, browser: Client) -> None:
    """Connect as a user would: the API gives the authorize URL, the fake consents and sends
    the browser back to the callback page with a code and the state."""
    response = api_client.get("/api/spotify/authorize")
    assert response.status_code == 200, response.content
    consent = httpx.get(response.json()["authorize_url"], follow_redirects=False)
    assert consent.status_code == 302, consent.text
    query = parse_qs(urlsplit(consent.headers["location"]).query)
    back = browser.get("/spotify/callback", {"code": query["code"][0], "state": query["state"][0]})
    assert back.status_code == 302, back.content


def run_queued(prefix: str = "automation.") -> list[str]:
    """Run queued tasks whose path starts with `prefix` here, until none is left; other tasks
    (the download engine's pump...) are dropped. Returns what each task answered."""
    answers = []
    while True:
        rows = list(OrmQ.objects.order_by("pk"))
        if not rows:
            return answers
        for row in rows:
            task = row.task
            row.delete()
            task_path, _request_id, *args = task["args"]
            if task_path.startswith(prefix):
                answers.append(import_string(task_path)(*args))
