"""A fake Spotify on a free port and spotipy logged in to it through PKCE."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import requests
import spotipy
from requests.adapters import HTTPAdapter
from spotipy.cache_handler import MemoryCacheHandler
from spotipy.oauth2 import SpotifyPKCE
from urllib3.util.retry import Retry

from fakes.spotify import FakeSpotify
from fakes.spotify.scenarios import AcceptanceWorld, acceptance_world

CLIENT_ID = "soulspot-test"
REDIRECT_URI = "http://127.0.0.1:8000/spotify/callback"
SCOPES = "playlist-read-private playlist-read-collaborative user-library-read user-follow-read"


@dataclass
class Linked:
    fake: FakeSpotify
    auth: SpotifyPKCE
    sp: spotipy.Spotify


def make_auth(fake: FakeSpotify, scope: str = SCOPES) -> SpotifyPKCE:
    auth = SpotifyPKCE(
        client_id=CLIENT_ID,
        redirect_uri=REDIRECT_URI,
        scope=scope,
        open_browser=False,
        cache_handler=MemoryCacheHandler(),
    )
    auth.OAUTH_AUTHORIZE_URL = fake.url + "/authorize"
    auth.OAUTH_TOKEN_URL = fake.url + "/api/token"
    return auth


def authorize(auth: SpotifyPKCE, state: str = "xyz") -> dict[str, list[str]]:
    """Follow the authorize URL like a browser would, up to the redirect back to us."""
    answer = httpx.get(auth.get_authorize_url(state=state))
    assert answer.status_code == 302, answer.text
    location = answer.headers["location"]
    assert location.startswith(REDIRECT_URI + "?")
    return parse_qs(urlsplit(location).query)


def no_429_retry_session() -> requests.Session:
    """spec §1.5: a 429 must surface at once, with its headers, instead of sleeping."""
    session = requests.Session()
    retry = Retry(
        total=3,
        backoff_factor=0.3,
        status_forcelist=(500, 502, 503, 504),
        allowed_methods=None,
        respect_retry_after_header=False,
    )
    session.mount("http://", HTTPAdapter(max_retries=retry))
    return session


def link(fake: FakeSpotify, scope: str = SCOPES) -> Linked:
    auth = make_auth(fake, scope)
    code = authorize(auth)["code"][0]
    auth.get_access_token(code=code, check_cache=False)
    sp = spotipy.Spotify(auth_manager=auth, requests_session=no_429_retry_session())
    sp.prefix = fake.url + "/v1/"
    return Linked(fake, auth, sp)


@pytest.fixture
def acceptance() -> AcceptanceWorld:
    return acceptance_world()


@pytest.fixture
def fake(acceptance: AcceptanceWorld) -> Iterator[FakeSpotify]:
    server = FakeSpotify(acceptance.world, client_id=CLIENT_ID)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def linked(fake: FakeSpotify) -> Linked:
    return link(fake)
