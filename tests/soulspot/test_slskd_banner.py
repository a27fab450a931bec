"""The slskd warning on the download pages: from the settings and the last real check only."""

from __future__ import annotations

import socket

import pytest
from django.core.cache import cache
from django.test import Client

from fakes.slskd import FakeSlskd
from soulspot.tasks import heartbeat

pytestmark = pytest.mark.django_db

KEY = "right-key-0123456789"
BANNER_PAGES = ["/downloads/", "/downloads/wanted/", "/downloads/search/"]


@pytest.fixture(autouse=True)
def _no_remembered_check() -> None:
    cache.clear()


@pytest.fixture
def fake_slskd(tmp_path):
    with FakeSlskd(downloads_dir=tmp_path / "downloads", api_key=KEY) as fake:
        yield fake


@pytest.fixture
def probe_client(settings) -> Client:
    settings.SOULSPOT_API_KEY = "readiness-test-key"
    return Client(headers={"X-API-Key": "readiness-test-key"})


def _banner(client: Client, path: str) -> str | None:
    html = client.get(path).content.decode()
    if 'id="slskd-banner"' not in html:
        return None
    start = html.index('id="slskd-banner"')
    return html[start : html.index("</div>", start)]


@pytest.mark.parametrize("path", BANNER_PAGES)
def test_the_download_pages_say_slskd_is_not_configured(logged_in_client, settings, path):
    settings.SLSKD_URL = ""
    banner = _banner(logged_in_client, path)
    assert banner is not None
    assert "slskd is not configured" in banner and 'href="/settings/"' in banner


def test_pages_where_slskd_does_not_matter_carry_no_banner(logged_in_client, settings) -> None:
    settings.SLSKD_URL = ""
    for path in ["/", "/library/", "/library/history/", "/lists/"]:
        assert _banner(logged_in_client, path) is None, path


def test_a_configured_slskd_with_no_check_yet_shows_no_banner(logged_in_client, settings):
    settings.SLSKD_URL, settings.SLSKD_API_KEY = "http://127.0.0.1:9", KEY
    for path in BANNER_PAGES:
        assert _banner(logged_in_client, path) is None, path


def test_an_unreachable_slskd_seen_by_the_readiness_probe_is_shown(
    logged_in_client, probe_client, settings
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    settings.SLSKD_URL, settings.SLSKD_API_KEY = f"http://127.0.0.1:{free_port}", KEY
    heartbeat()
    assert probe_client.get("/api/health/ready").status_code == 503
    banner = _banner(logged_in_client, "/downloads/wanted/")
    assert banner is not None and "SoulSpot could not reach slskd" in banner


def test_a_wrong_key_seen_on_the_dashboard_is_shown_then_cleared_by_a_good_check(
    logged_in_client, settings, fake_slskd
) -> None:
    settings.SLSKD_URL, settings.SLSKD_API_KEY = fake_slskd.url, "wrong-key-0123456789"
    logged_in_client.get("/system-status/", headers={"HX-Request": "true"})
    banner = _banner(logged_in_client, "/downloads/")
    assert banner is not None and "slskd refused SoulSpot" in banner
    assert "rejected the API key" in banner  # slskd's own words, from the check
    settings.SLSKD_API_KEY = KEY
    logged_in_client.get("/system-status/", headers={"HX-Request": "true"})
    assert _banner(logged_in_client, "/downloads/") is None


def test_a_page_render_never_connects_to_slskd(logged_in_client, settings) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.setblocking(False)
        settings.SLSKD_URL = f"http://127.0.0.1:{listener.getsockname()[1]}"
        settings.SLSKD_API_KEY = KEY
        for path in BANNER_PAGES:
            assert logged_in_client.get(path).status_code == 200
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody knocked
