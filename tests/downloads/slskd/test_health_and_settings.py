"""slskd's application state and options, the health check, and the client built from settings."""

from __future__ import annotations

import httpx
import pytest

from downloads.models import SearchBudgetWindow
from downloads.slskd import client_from_settings, is_configured
from tests.downloads.slskd.support import KEY, js, make_client

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


# -- settings -------------------------------------------------------------------------------


def test_no_client_without_slskd_url(settings):
    settings.SLSKD_URL = ""
    assert not is_configured()
    assert client_from_settings() is None


@pytest.mark.django_db
def test_the_configured_client_uses_settings_and_the_database_budget(settings, tmp_path):
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
    assert len(SearchBudgetWindow.objects.get().stamps) == 1
