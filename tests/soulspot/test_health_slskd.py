"""Readiness against a real HTTP fake of slskd: connected, unauthorized, unreachable, logged out."""

from __future__ import annotations

import socket

import pytest
from django.test import Client

from fakes.slskd import FakeSlskd
from soulspot.tasks import heartbeat


@pytest.fixture
def client(settings) -> Client:
    """Readiness shows its checks to authenticated callers; the environment key needs no rows."""
    settings.SOULSPOT_API_KEY = "readiness-test-key"
    return Client(headers={"X-API-Key": "readiness-test-key"})


@pytest.fixture
def fake_slskd(tmp_path):
    with FakeSlskd(downloads_dir=tmp_path / "downloads", api_key="right-key-0123456789") as fake:
        yield fake


def _slskd_check(client) -> tuple[int, dict]:
    heartbeat()
    response = client.get("/api/health/ready")
    return response.status_code, response.json()["checks"]["slskd"]


@pytest.mark.django_db
def test_slskd_shows_connected_with_the_right_key(client, settings, fake_slskd) -> None:
    settings.SLSKD_URL, settings.SLSKD_API_KEY = fake_slskd.url, "right-key-0123456789"
    status, check = _slskd_check(client)
    assert status == 200
    assert check["ok"] is True and check["status"] == "connected"


@pytest.mark.django_db
def test_a_wrong_key_shows_unauthorized_not_a_traceback(client, settings, fake_slskd) -> None:
    settings.SLSKD_URL, settings.SLSKD_API_KEY = fake_slskd.url, "wrong-key-0123456789"
    status, check = _slskd_check(client)
    assert status == 503
    assert check["ok"] is False and check["status"] == "unauthorized"
    assert "Traceback" not in check["detail"]


@pytest.mark.django_db
def test_slskd_disconnected_from_soulseek_is_not_ready(client, settings, fake_slskd) -> None:
    settings.SLSKD_URL, settings.SLSKD_API_KEY = fake_slskd.url, "right-key-0123456789"
    fake_slskd.disconnect()
    status, check = _slskd_check(client)
    assert status == 503
    assert check["status"] == "not_logged_in"


@pytest.mark.django_db
def test_slskd_down_shows_unreachable(client, settings) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    settings.SLSKD_URL, settings.SLSKD_API_KEY = f"http://127.0.0.1:{free_port}", "k" * 20
    status, check = _slskd_check(client)
    assert status == 503
    assert check["status"] == "unreachable"


@pytest.mark.django_db
def test_the_dashboard_names_a_wrong_slskd_key(logged_in_client, settings, fake_slskd) -> None:
    settings.SLSKD_URL, settings.SLSKD_API_KEY = fake_slskd.url, "wrong-key-0123456789"
    page = logged_in_client.get("/system-status/", headers={"HX-Request": "true"}).content.decode()
    assert "unauthorized" in page and "check SLSKD_API_KEY" in page
