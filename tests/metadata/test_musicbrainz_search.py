"""Searching MusicBrainz (client and GET /api/musicbrainz/search) against the fake, through
real musicbrainzngs on the wire."""

from __future__ import annotations

import pytest

from fakes.metadata_services import FakeMusicBrainz, MetadataCatalog
from fakes.metadata_services.demo_catalog import add_editions
from metadata.providers import musicbrainz as mb
from metadata.providers.musicbrainz import search as mb_search
from tests.metadata_support import fake_fixture

UNKNOWN_MBID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def catalog() -> MetadataCatalog:
    catalog = MetadataCatalog()
    catalog.add_release("Night Drive", "Neon Harbor", [("Intro", 61_000)], date="2024-03-15")
    catalog.add_release("Other Things", "Someone Else", [("Thing", 100_000)], date="2001")
    add_editions(catalog)
    return catalog


fake = fake_fixture(FakeMusicBrainz, MUSICBRAINZ_MAX_ATTEMPTS=1)


def _editions(catalog: MetadataCatalog) -> dict[str, str]:
    return add_editions(catalog)  # the same ids again: they are derived from names


def test_search_artists_asks_the_artist_search_and_returns_scored_hits(fake) -> None:
    hits = mb.search_artists("neon harbor", limit=5)

    assert [(h.name, h.score) for h in hits] == [("Neon Harbor", 100)]
    request = fake.requests_for("/ws/2/artist/")[-1]
    assert request.arg("query") == "artist:(neon harbor)" and request.arg("limit") == "5"


def test_search_release_groups_of_an_artist_lists_only_theirs(fake, catalog) -> None:
    artist_id = catalog.add_artist("Neon Harbor")

    hits = mb.search_release_groups("", 10, artist_id=artist_id)

    assert sorted(h.title for h in hits) == ["Harbour Lights", "Night Drive"]
    lights = next(h for h in hits if h.title == "Harbour Lights")
    assert lights.primary_type == "Album" and lights.release_count == 4
    assert lights.artist == "Neon Harbor" and lights.first_release_date == "2014-12-01"
    escaped = artist_id.replace("-", r"\-")  # musicbrainzngs escapes Lucene's operators
    assert fake.requests_for("/ws/2/release-group/")[-1].arg("query") == f"arid:({escaped})"


def test_search_releases_tells_each_edition_apart(fake, catalog) -> None:
    ids = _editions(catalog)

    hits = {h.id: h for h in mb.search_releases("harbour lights", limit=10)}

    assert set(hits) == {ids["digital"], ids["cd"], ids["deluxe"], ids["bootleg"]}
    digital, deluxe = hits[ids["digital"]], hits[ids["deluxe"]]
    assert (digital.format, digital.country, digital.track_count) == ("Digital Media", "XW", 12)
    assert (deluxe.format, deluxe.track_count, deluxe.disambiguation) == (
        "CD",
        14,
        "deluxe edition",
    )
    assert hits[ids["bootleg"]].status == "Bootleg" and digital.status == "Official"
    assert digital.release_group_id == ids["group"] and digital.score == 100


def test_lucene_syntax_in_the_query_is_escaped_not_obeyed(fake) -> None:
    assert mb.search_artists('AC/DC (live) "x" OR arid:1') == []

    sent = fake.requests_for("/ws/2/artist/")[-1].arg("query")
    assert sent.startswith("artist:(") and r"\(live\)" in sent


def test_releases_of_group_pages_with_offset_until_the_count(fake, catalog, monkeypatch) -> None:
    ids = _editions(catalog)
    monkeypatch.setattr(mb_search, "PAGE_SIZE", 3)

    releases = mb.releases_of_group(ids["group"])

    assert len(releases) == 4 and len({r.id for r in releases}) == 4
    browses = fake.requests_for("/ws/2/release/")
    assert [r.arg("offset") for r in browses] == [None, "3"]
    assert {r.arg("release-group") for r in browses} == {ids["group"]}
    assert all(r.arg("inc") == "media" for r in browses)
    assert {r.track_count for r in releases} == {12, 14}


def test_an_unknown_group_is_not_found(fake) -> None:
    with pytest.raises(mb.MusicBrainzNotFound):
        mb.releases_of_group(UNKNOWN_MBID)


@pytest.mark.parametrize("mode", ["503", "malformed"])
def test_musicbrainz_trouble_is_unavailable(fake, mode: str) -> None:
    fake.set_mode(mode)

    with pytest.raises(mb.MusicBrainzUnavailable):
        mb.search_release_groups("harbour lights")


# --- GET /api/musicbrainz/search -----------------------------------------------------------------


@pytest.mark.django_db
def test_api_search_answers_the_hits_of_the_type_asked(api_client, fake, catalog) -> None:
    ids = _editions(catalog)

    response = api_client.get("/api/musicbrainz/search?type=release&q=harbour+lights&limit=25")

    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "release" and body["artists"] == [] and body["release_groups"] == []
    deluxe = next(r for r in body["releases"] if r["id"] == ids["deluxe"])
    assert deluxe["format"] == "CD" and deluxe["track_count"] == 14 and deluxe["country"] == "GB"
    assert fake.requests_for("/ws/2/release/")[-1].arg("limit") == "25"


@pytest.mark.django_db
def test_api_search_lists_an_artists_release_groups(api_client, fake, catalog) -> None:
    artist_id = catalog.add_artist("Someone Else")

    response = api_client.get(f"/api/musicbrainz/search?type=release-group&artist_id={artist_id}")

    assert response.status_code == 200
    assert [g["title"] for g in response.json()["release_groups"]] == ["Other Things"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("type=artist&q=x&limit=26", "limit"),
        ("type=artist&q=x&limit=0", "limit"),
        ("type=label&q=x", "type"),
        ("type=artist&q=" + "x" * 501, "q"),
        ("type=release-group&artist_id=not-a-uuid", "artist_id"),
    ],
)
def test_api_search_refuses_bad_parameters_naming_them(api_client, fake, query, field) -> None:
    response = api_client.get(f"/api/musicbrainz/search?{query}")

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field
    assert fake.requests == []


@pytest.mark.django_db
def test_api_search_without_text_is_a_400_naming_q(api_client, fake) -> None:
    response = api_client.get("/api/musicbrainz/search?type=artist&q=+")

    assert response.status_code == 400 and response.json()["detail"].startswith("q:")


@pytest.mark.django_db
def test_api_search_answers_503_when_musicbrainz_is_down(api_client, fake) -> None:
    fake.stop()

    response = api_client.get("/api/musicbrainz/search?type=artist&q=neon")

    assert response.status_code == 503
    assert response.json()["detail"].startswith("MusicBrainz is unavailable")


@pytest.mark.django_db
def test_api_search_answers_503_when_providers_are_switched_off(api_client, settings) -> None:
    settings.METADATA_PROVIDERS_ENABLED = False

    response = api_client.get("/api/musicbrainz/search?type=release&q=x")

    assert response.status_code == 503
    assert response.json() == {"detail": "metadata providers are switched off"}
