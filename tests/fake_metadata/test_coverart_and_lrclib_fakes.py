"""Wire shape of the Cover Art Archive and LRCLIB fakes."""

from __future__ import annotations

import io

import httpx
import pytest
from PIL import Image

from fakes.metadata_services import FakeCoverArt, FakeLrclib, MetadataCatalog


@pytest.fixture
def catalog() -> MetadataCatalog:
    catalog = MetadataCatalog()
    catalog.add_lyrics(
        "Neon Harbor", "Afterglow", album="Night Drive", duration_s=245.0, plain="la\n"
    )
    return catalog


@pytest.fixture
def release_id(catalog: MetadataCatalog) -> str:
    return catalog.add_release("Night Drive", "Neon Harbor", tracks=["Afterglow"]).release_id


def test_front_redirects_307_to_a_jpeg_of_the_asked_size(catalog, release_id) -> None:
    with FakeCoverArt(catalog) as url:
        redirect = httpx.get(f"{url}/release/{release_id}/front-250")
        image = httpx.get(redirect.headers["location"])

    assert redirect.status_code == 307
    assert "_thumb250.jpg" in redirect.headers["location"]
    assert image.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(image.content)) as picture:
        assert (picture.format, picture.size) == ("JPEG", (250, 250))


def test_listing_has_caa_shape(catalog, release_id) -> None:
    with FakeCoverArt(catalog) as url:
        listing = httpx.get(f"{url}/release/{release_id}/").json()
        thumb = httpx.get(listing["images"][0]["thumbnails"]["500"], follow_redirects=True)

    image = listing["images"][0]
    assert listing["release"] == f"https://musicbrainz.org/release/{release_id}"
    assert (image["front"], image["types"], image["approved"]) == (True, ["Front"], True)
    assert set(image["thumbnails"]) == {"250", "500", "1200", "small", "large"}
    with Image.open(io.BytesIO(thumb.content)) as picture:
        assert picture.size == (500, 500)


def test_release_group_art_uses_a_release_with_art(catalog, release_id) -> None:
    group_id = catalog.releases[release_id].release_group_id
    with FakeCoverArt(catalog) as url:
        redirect = httpx.get(f"{url}/release-group/{group_id}/front")

    assert redirect.status_code == 307
    assert f"mbid-{release_id}" in redirect.headers["location"]


def test_missing_art_is_404_and_bad_uuid_400(catalog) -> None:
    bare = catalog.add_release("Bare", "Neon Harbor", tracks=["x"], cover=False).release_id
    with FakeCoverArt(catalog) as url:
        assert httpx.get(f"{url}/release/{bare}/front").status_code == 404
        assert httpx.get(f"{url}/release/{bare}").status_code == 404
        assert httpx.get(f"{url}/release/{bare}/back").status_code == 404
        assert httpx.get(f"{url}/release/nope/front").status_code == 400


def test_lrclib_get_matches_within_two_seconds(catalog) -> None:
    with FakeLrclib(catalog) as url:
        near = httpx.get(
            f"{url}/api/get",
            params={"artist_name": "neon harbor", "track_name": "AFTERGLOW", "duration": 247},
        )
        far = httpx.get(
            f"{url}/api/get",
            params={"artist_name": "Neon Harbor", "track_name": "Afterglow", "duration": 248},
        )

    assert near.status_code == 200
    assert near.json()["plainLyrics"] == "la\n"
    assert set(near.json()) >= {
        "id",
        "trackName",
        "artistName",
        "albumName",
        "duration",
        "instrumental",
        "plainLyrics",
        "syncedLyrics",
    }
    assert far.status_code == 404
    assert far.json() == {
        "message": "Failed to find specified track",
        "name": "TrackNotFound",
        "statusCode": 404,
    }


def test_lrclib_search_and_validation(catalog) -> None:
    with FakeLrclib(catalog) as url:
        hits = httpx.get(f"{url}/api/search", params={"q": "afterglow neon"}).json()
        misses = httpx.get(f"{url}/api/search", params={"q": "nothing"}).json()
        invalid = httpx.get(f"{url}/api/get", params={"track_name": "x"})
        by_id = httpx.get(f"{url}/api/get/{hits[0]['id']}").json()

    assert [h["trackName"] for h in hits] == ["Afterglow"]
    assert misses == []
    assert invalid.status_code == 400
    assert by_id["trackName"] == "Afterglow"


def test_modes_are_per_service(catalog, release_id) -> None:
    from fakes.metadata_services import FakeMetadataServices

    with (server := FakeMetadataServices(catalog)) as url:
        server.set_mode("503", service="lrclib")
        lyrics = httpx.get(f"{url}/api/get", params={"artist_name": "a", "track_name": "b"})
        cover = httpx.get(f"{url}/release/{release_id}/front", follow_redirects=True)
        isrcs = httpx.get(f"{url}/ws/2/recording/", params={"query": "afterglow"})

    assert lyrics.status_code == 503
    assert cover.status_code == 200 and cover.content.startswith(b"\xff\xd8")
    assert isrcs.status_code == 200
