"""The fake Last.fm itself: its command line, its control endpoint and its wire answers."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest

from fakes.lastfm import DEFAULT_API_KEY, FakeLastFm, demo_world
from metadata.genres import lastfm_genres

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo(settings):
    server = FakeLastFm(demo_world())
    settings.LASTFM_URL = server.start()
    settings.LASTFM_API_KEY = DEFAULT_API_KEY
    settings.LASTFM_RATE_LIMIT_SECONDS = 0
    settings.METADATA_PROVIDERS_ENABLED = True
    yield server
    server.stop()


def call(url: str, **params: str) -> ElementTree.Element:
    response = httpx.post(f"{url}/2.0/", data={"api_key": DEFAULT_API_KEY, **params})
    return ElementTree.fromstring(response.content)


def test_top_tags_answer_in_last_fm_xml(demo) -> None:
    root = call(demo.url, method="artist.getTopTags", artist="jt bruce")

    assert root.get("status") == "ok"
    assert root.find("toptags").get("artist") == "jt bruce"
    first = root.find("toptags/tag")
    assert (first.findtext("name"), first.findtext("count")) == ("progressive metal", "100")
    assert first.findtext("url") == "https://www.last.fm/tag/progressive+metal"


@pytest.mark.parametrize(
    ("params", "code", "status"),
    [
        ({"method": "track.getTopTags", "artist": "Nobody", "track": "x"}, "6", 400),
        ({"method": "user.getInfo"}, "3", 400),
        ({"method": "artist.getTopTags", "artist": "JT Bruce", "api_key": "nope"}, "10", 403),
    ],
)
def test_errors_answer_failed_with_a_code(demo, params, code, status) -> None:
    response = httpx.post(f"{demo.url}/2.0/", data={"api_key": DEFAULT_API_KEY, **params})

    root = ElementTree.fromstring(response.content)
    assert response.status_code == status
    assert (root.get("status"), root.find("error").get("code")) == ("failed", code)


def test_a_get_with_query_parameters_works_too(demo) -> None:
    response = httpx.get(
        f"{demo.url}/2.0/",
        params={"method": "artist.getTopTags", "artist": "JT Bruce", "api_key": DEFAULT_API_KEY},
    )

    assert ElementTree.fromstring(response.content).get("status") == "ok"


def test_the_control_endpoint_forces_an_error_code_and_clears_it(demo) -> None:
    assert httpx.post(f"{demo.url}/_fake/error", json={"code": 29}).json() == {"forced_error": 29}
    assert call(demo.url, method="artist.getTopTags", artist="JT Bruce").find("error").get(
        "code"
    ) == ("29")

    httpx.post(f"{demo.url}/_fake/error", json={"code": None})
    assert call(demo.url, method="artist.getTopTags", artist="JT Bruce").get("status") == "ok"
    assert httpx.post(f"{demo.url}/_fake/error", json={"code": "x"}).status_code == 400
    assert httpx.post(f"{demo.url}/_fake/error", content=b"{").status_code == 400


@pytest.mark.django_db
def test_the_demo_world_gives_the_demo_wants_genres(demo) -> None:
    assert lastfm_genres("Sigur Rós", "Hoppípolla") == ["Post-Rock"]
    assert lastfm_genres("Iota feat. Kappa", "Together") == []  # only the artist "Iota" is known
    assert lastfm_genres("Epsilon", "Home") == ["Hip-Hop", "R&B"]


def test_the_command_line_serves_the_demo_scenario() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "fakes.lastfm", "--port", "0", "--scenario", "demo"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+", line).group(0)
        root = call(url, method="album.getTopTags", artist="JT Bruce", album="Ruined Subjects")
        assert root.find("toptags/tag/name").text == "Progressive Metal"
        assert DEFAULT_API_KEY in line
    finally:
        process.terminate()
        process.wait(timeout=10)
