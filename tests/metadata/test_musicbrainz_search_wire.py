"""The fake MusicBrainz's searches and browse in MusicBrainz's own wire shape (checked with
plain HTTP, without musicbrainzngs): namespaces, ext:score, list count and offset."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx
import pytest

from fakes.metadata_services import FakeMusicBrainz, MetadataCatalog
from fakes.metadata_services.demo_catalog import add_editions
from fakes.metadata_services.musicbrainz import EXT_NS, NS
from tests.metadata_support import catalog, fake_fixture

M = f"{{{NS}}}"
__all__ = ["catalog"]  # fixtures


@pytest.fixture
def ids(catalog: MetadataCatalog) -> dict[str, str]:
    return add_editions(catalog)


fake = fake_fixture(FakeMusicBrainz)


def _get(fake: FakeMusicBrainz, path: str, **params: str) -> httpx.Response:
    return httpx.get(f"{fake.url}{path}", params=params)


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/ws/2/artist/", "artist:(neon harbor)"),
        ("/ws/2/release-group/", "releasegroup:(harbour lights)"),
        ("/ws/2/release/", "release:(harbour lights)"),
    ],
)
def test_searches_are_scored_namespaced_lists(fake, ids, path: str, query: str) -> None:
    response = _get(fake, path, query=query, limit="2", offset="1")

    assert response.status_code == 200
    root = ET.fromstring(response.content)
    entity = path.split("/")[3]
    [entity_list] = root.findall(f"{M}{entity}-list")
    assert entity_list.get("offset") == "1"
    hits = entity_list.findall(f"{M}{entity}")
    assert len(hits) == min(2, int(entity_list.get("count")) - 1)
    assert all(0 <= int(hit.get(f"{{{EXT_NS}}}score")) <= 100 for hit in hits)


def test_a_release_search_carries_media_formats_and_the_total_track_count(fake, ids) -> None:
    response = _get(fake, "/ws/2/release/", query=f"rgid:({ids['group']}) AND status:official")

    root = ET.fromstring(response.content)
    releases = root.find(f"{M}release-list")
    assert releases.get("count") == "3"  # the bootleg is filtered out
    counts = sorted(int(r.findtext(f"{M}medium-list/{M}track-count")) for r in releases)
    assert counts == [12, 12, 14]
    assert {r.findtext(f"{M}medium-list/{M}medium/{M}format") for r in releases} == {
        "CD",
        "Digital Media",
    }


def test_browsing_a_groups_releases_pages_with_count_and_offset(fake, ids) -> None:
    first = ET.fromstring(
        _get(fake, "/ws/2/release/", **{"release-group": ids["group"], "inc": "media"}).content
    )
    page = ET.fromstring(
        _get(
            fake, "/ws/2/release", **{"release-group": ids["group"], "limit": "3", "offset": "3"}
        ).content
    )

    assert first.find(f"{M}release-list").get("count") == "4"
    assert len(first.findall(f"{M}release-list/{M}release")) == 4
    assert (
        first.find(f"{M}release-list/{M}release/{M}medium-list/{M}medium/{M}track-list") is not None
    )
    assert page.find(f"{M}release-list").get("offset") == "3"
    assert len(page.findall(f"{M}release-list/{M}release")) == 1


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"release-group": "00000000-0000-4000-8000-000000000000"}, 404),
        ({"release-group": "nope"}, 400),
        ({"query": "release:(x)", "limit": "ten"}, 400),
        ({"query": ""}, 400),
    ],
)
def test_bad_searches_and_browses_get_musicbrainz_errors(fake, params, status: int) -> None:
    response = _get(fake, "/ws/2/release/", **params)

    assert response.status_code == status
    assert ET.fromstring(response.content).tag == "error"
