"""metadata.providers.coverart against the in-repo Cover Art Archive fake."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from fakes.metadata_services import FakeCoverArt, MetadataCatalog
from metadata.providers import coverart
from metadata.providers.base import NotFound, ProviderUnavailable
from tests.metadata_support import catalog, fake_fixture

UNKNOWN_MBID = "00000000-0000-4000-8000-000000000000"
__all__ = ["catalog"]  # fixtures


@pytest.fixture
def with_cover(catalog: MetadataCatalog) -> str:
    return catalog.add_release("Covered", "Painter", tracks=["One"]).release_id


@pytest.fixture
def without_cover(catalog: MetadataCatalog) -> str:
    return catalog.add_release("Bare", "Painter", tracks=["Two"], cover=False).release_id


fake = fake_fixture(FakeCoverArt, COVER_MAX_PX=500)


def _pixels(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        image.verify()
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def test_front_cover_follows_the_redirect_to_a_real_jpeg(fake, with_cover) -> None:
    data = coverart.front_cover(with_cover)

    assert data is not None and data.startswith(b"\xff\xd8\xff")
    assert _pixels(data) == (500, 500)
    first, second = fake.requests
    assert first.path == f"/release/{with_cover}/front-500"
    assert second.path.startswith(f"/download/mbid-{with_cover}/")


def test_front_cover_size_follows_cover_max_px(fake, settings, with_cover) -> None:
    settings.COVER_MAX_PX = 1000

    data = coverart.front_cover(with_cover)

    assert fake.requests[0].path.endswith("/front-1200")
    assert _pixels(data) == (1000, 1000)  # the original is only 1000 px wide


def test_front_cover_wider_than_any_thumbnail_asks_for_the_original(fake, with_cover) -> None:
    coverart.front_cover(with_cover, size=2000)

    assert fake.requests[0].path == f"/release/{with_cover}/front"


def test_front_cover_is_none_without_art(fake, without_cover) -> None:
    assert coverart.front_cover(without_cover) is None
    assert coverart.front_cover(UNKNOWN_MBID) is None


def test_requests_identify_soulspot(fake, settings, with_cover) -> None:
    settings.SOULSPOT_USER_AGENT = "SoulSpot/9.9 ( https://example.invalid )"

    coverart.front_cover(with_cover)

    assert {r.user_agent for r in fake.requests} == {"SoulSpot/9.9 ( https://example.invalid )"}


@pytest.mark.parametrize("mode", ["503", "malformed"])
def test_outage_or_non_image_body_is_unavailable(fake, with_cover, mode) -> None:
    fake.set_mode(mode)

    with pytest.raises(coverart.CoverArtUnavailable) as caught:
        coverart.front_cover(with_cover)

    assert isinstance(caught.value, ProviderUnavailable)


def test_connection_refused_is_unavailable(fake, with_cover) -> None:
    fake.stop()

    with pytest.raises(coverart.CoverArtUnavailable):
        coverart.front_cover(with_cover)


def test_a_hanging_server_times_out(fake, settings, with_cover) -> None:
    settings.METADATA_PROVIDER_TIMEOUT_SECONDS = 0.3
    fake.hang_seconds = 2
    fake.set_mode("hang")
    started = time.monotonic()

    with pytest.raises(coverart.CoverArtUnavailable):
        coverart.front_cover(with_cover)

    assert time.monotonic() - started < 1.5


def test_fetch_image_downloads_any_image_url(fake, catalog, with_cover) -> None:
    image_id = catalog.covers[with_cover].image_id
    url = f"{fake.url}/download/mbid-{with_cover}/mbid-{with_cover}-{image_id}_thumb250.jpg"

    assert _pixels(coverart.fetch_image(url)) == (250, 250)


def test_fetch_image_missing_is_not_found(fake) -> None:
    with pytest.raises(coverart.CoverArtNotFound) as caught:
        coverart.fetch_image(f"{fake.url}/download/mbid-x/mbid-x-1.jpg")

    assert isinstance(caught.value, NotFound)


def test_fetch_image_refuses_images_over_the_size_cap(fake, catalog, with_cover) -> None:
    image_id = catalog.covers[with_cover].image_id
    url = f"{fake.url}/download/mbid-{with_cover}/mbid-{with_cover}-{image_id}.jpg"

    with pytest.raises(coverart.CoverArtError, match="larger than") as caught:
        coverart.fetch_image(url, max_bytes=500)

    assert not isinstance(caught.value, ProviderUnavailable)


def test_fetch_image_only_accepts_http_urls(fake) -> None:
    with pytest.raises(coverart.CoverArtError, match="not an http"):
        coverart.fetch_image("file:///etc/passwd")


def test_switched_off_providers_make_no_requests(fake, settings, with_cover) -> None:
    settings.METADATA_PROVIDERS_ENABLED = False

    with pytest.raises(ProviderUnavailable, match="switched off"):
        coverart.front_cover(with_cover)
    with pytest.raises(ProviderUnavailable, match="switched off"):
        coverart.fetch_image(f"{fake.url}/anything.jpg")

    assert fake.requests == []


def test_looks_like_image_knows_common_formats() -> None:
    assert coverart.looks_like_image(b"\x89PNG\r\n\x1a\n....")
    assert coverart.looks_like_image(b"RIFF\x00\x00\x00\x00WEBPVP8 ")
    assert not coverart.looks_like_image(b"<html>")
