"""The MusicBrainz fake answers in MusicBrainz's own wire shape (checked without musicbrainzngs)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx
import pytest

from fakes.metadata_services import FakeMusicBrainz, MetadataCatalog
from fakes.metadata_services.musicbrainz import EXT_NS, NS, parse_query

M = f"{{{NS}}}"


@pytest.fixture
def catalog() -> MetadataCatalog:
    catalog = MetadataCatalog()
    catalog.add_release(
        "Night Drive", "Neon Harbor", tracks=[("Afterglow", 245_000, "GBNEO2400001")]
    )
    return catalog


@pytest.fixture
def fake(catalog):
    with (server := FakeMusicBrainz(catalog)):
        yield server


def _get(fake: FakeMusicBrainz, path: str, **params: str) -> httpx.Response:
    return httpx.get(f"{fake.url}{path}", params=params)


def test_search_is_namespaced_xml_with_scores(fake) -> None:
    response = _get(fake, "/ws/2/recording/", query="recording:(afterglow) artist:(neon harbor)")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{M}metadata"
    recordings = root.findall(f"{M}recording-list/{M}recording")
    assert len(recordings) == 1
    assert recordings[0].get(f"{{{EXT_NS}}}score") == "100"
    assert recordings[0].findtext(f"{M}title") == "Afterglow"
    group = recordings[0].find(f"{M}release-list/{M}release/{M}release-group")
    assert group.findtext(f"{M}primary-type") == "Album"


def test_search_accepts_no_trailing_slash_and_pages(fake) -> None:
    response = _get(fake, "/ws/2/recording", query="afterglow", limit="1", offset="1")

    root = ET.fromstring(response.content)
    rec_list = root.find(f"{M}recording-list")
    assert (rec_list.get("count"), rec_list.get("offset")) == ("1", "1")
    assert rec_list.findall(f"{M}recording") == []


def test_release_lookup_lists_media_tracks_and_isrcs(fake, catalog) -> None:
    release_id = next(iter(catalog.releases))

    response = _get(fake, f"/ws/2/release/{release_id}", inc="recordings isrcs media")

    release = ET.fromstring(response.content).find(f"{M}release")
    medium_list = release.find(f"{M}medium-list")
    assert medium_list.get("count") == "1"
    track = medium_list.find(f"{M}medium/{M}track-list/{M}track")
    assert track.findtext(f"{M}position") == "1"
    assert track.findtext(f"{M}length") == "245000"
    assert track.find(f"{M}recording/{M}isrc-list/{M}isrc").get("id") == "GBNEO2400001"


def test_release_groups_only_appear_when_included(fake, catalog) -> None:
    release_id = next(iter(catalog.releases))

    bare = ET.fromstring(_get(fake, f"/ws/2/release/{release_id}").content)
    full = ET.fromstring(_get(fake, f"/ws/2/release/{release_id}", inc="release-groups").content)

    assert bare.find(f"{M}release/{M}release-group") is None
    assert full.find(f"{M}release/{M}release-group").get("type") == "Album"


def test_unknown_id_is_404_and_malformed_id_is_400_with_error_bodies(fake) -> None:
    missing = _get(fake, "/ws/2/release/00000000-0000-4000-8000-000000000000")
    malformed = _get(fake, "/ws/2/recording/abc")
    bad_isrc = _get(fake, "/ws/2/isrc/XX")

    assert missing.status_code == 404
    assert ET.fromstring(missing.content).findtext("text") == "Not Found"
    assert malformed.status_code == 400
    assert ET.fromstring(malformed.content).findtext("text") == "Invalid mbid."
    assert bad_isrc.status_code == 400


def test_isrc_lookup_lists_recordings(fake) -> None:
    response = _get(fake, "/ws/2/isrc/GBNEO2400001", inc="releases")

    isrc = ET.fromstring(response.content).find(f"{M}isrc")
    assert isrc.get("id") == "GBNEO2400001"
    assert isrc.find(f"{M}recording-list").get("count") == "1"
    release = isrc.find(f"{M}recording-list/{M}recording/{M}release-list/{M}release")
    assert release.find(f"{M}release-group") is None  # as on MusicBrainz: no types here


def test_rate_limit_switch_answers_503_to_quick_repeats(catalog) -> None:
    with (server := FakeMusicBrainz(catalog, enforce_rate_limit=True, min_interval=30)) as url:
        first = httpx.get(f"{url}/ws/2/isrc/GBNEO2400001")
        second = httpx.get(f"{url}/ws/2/isrc/GBNEO2400001")

    assert first.status_code == 200
    assert second.status_code == 503
    assert b"exceeding the allowable rate limit" in second.content
    assert len(server.requests) == 2


def test_modes_switch_over_http(fake) -> None:
    switched = httpx.post(f"{fake.url}/_fake/mode", json={"mode": "malformed"})
    broken = _get(fake, "/ws/2/isrc/GBNEO2400001")
    httpx.post(f"{fake.url}/_fake/mode?mode=503")
    down = _get(fake, "/ws/2/isrc/GBNEO2400001")
    refused = httpx.post(f"{fake.url}/_fake/mode", json={"mode": "sideways"})

    assert switched.json() == {"musicbrainz": "malformed"}
    assert broken.status_code == 200
    with pytest.raises(ET.ParseError):
        ET.fromstring(broken.content)
    assert down.status_code == 503
    assert refused.status_code == 400


def test_request_log_is_available_over_http(fake) -> None:
    _get(fake, "/ws/2/isrc/GBNEO2400001", inc="releases")

    log = httpx.get(f"{fake.url}/_fake/requests").json()

    assert log == [
        {"method": "GET", "path": "/ws/2/isrc/GBNEO2400001", "query": {"inc": ["releases"]}}
    ]


def test_parse_query_undoes_lucene_escaping() -> None:
    assert parse_query(r"recording:(ac\/dc \(live\)) artist:(x)") == [
        ("recording", "ac/dc (live)"),
        ("artist", "x"),
    ]
    assert parse_query('recording:"a b" AND rid:"c"') == [("recording", "a b"), ("rid", "c")]
