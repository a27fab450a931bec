"""Cover Art Archive client, and the one place SoulSpot downloads images (covers from CAA,
album art URLs from Spotify).

Uses httpx (timeouts, SoulSpot's User-Agent, redirects followed: CAA answers 307 to
archive.org). Base URL: settings.COVERART_URL. Bodies are capped in size and must look like an
image, so an HTML error page served with a 200 never ends up embedded in a file's tags.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import httpx
from django.conf import settings

from metadata.providers import pacing
from metadata.providers.base import (
    NotFound,
    ProviderError,
    ProviderUnavailable,
    http_client,
    is_transient_status,
    read_capped,
    require_enabled,
    service_url,
)

# Thumbnail widths CAA offers; anything wider needs the original upload.
CAA_THUMBNAIL_SIZES = (250, 500, 1200)
# Requests to CAA are spaced across every process (COVERART_RATE_LIMIT_SECONDS): it publishes
# no limit but is a free service. Image bytes are never cached (they go into files anyway).
PACE_SERVICE = "coverartarchive"
_IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")


class CoverArtError(ProviderError):
    """The Cover Art Archive or an image host gave no usable image."""


class CoverArtUnavailable(CoverArtError, ProviderUnavailable):
    """Network trouble, 5xx/429 or a body that is not an image: try again later."""


class CoverArtNotFound(CoverArtError, NotFound):
    """No image at that address (404)."""


def front_cover(release_id: str, *, size: int | None = None) -> bytes | None:
    """The front cover of a MusicBrainz release as image bytes, or None if CAA has none.

    `size` (default settings.COVER_MAX_PX) picks the smallest CAA thumbnail at least that wide,
    or the original upload when it is wider than the largest thumbnail.
    """
    require_enabled(CoverArtUnavailable)
    url = f"{service_url(settings.COVERART_URL)}/release/{quote(release_id)}/{_front_name(size)}"
    pacing.wait_for_slot(PACE_SERVICE, float(settings.COVERART_RATE_LIMIT_SECONDS))
    try:
        return _download(url, _max_bytes())
    except CoverArtNotFound:
        return None


def fetch_image(url: str, *, max_bytes: int | None = None) -> bytes:
    """Download an image from an http(s) URL (e.g. Spotify album art), at most `max_bytes`.

    Raises CoverArtNotFound on 404, CoverArtUnavailable on network/5xx/non-image bodies, and
    CoverArtError for other refusals or images over the size cap.
    """
    require_enabled(CoverArtUnavailable)
    if urlsplit(url).scheme not in ("http", "https"):
        raise CoverArtError(f"not an http(s) image URL: {url!r}")
    return _download(url, max_bytes or _max_bytes())


def _front_name(size: int | None) -> str:
    wanted = size or int(settings.COVER_MAX_PX)
    fitting = [s for s in CAA_THUMBNAIL_SIZES if s >= wanted]
    return f"front-{fitting[0]}" if fitting else "front"


def _max_bytes() -> int:
    return int(settings.COVER_MAX_BYTES)


def _download(url: str, max_bytes: int) -> bytes:
    try:
        with http_client() as client, client.stream("GET", url) as response:
            _raise_for_status(response, url)
            body = read_capped(response, max_bytes)
    except httpx.HTTPError as exc:
        raise CoverArtUnavailable(f"could not fetch {url}: {exc}") from exc
    if body is None:
        raise CoverArtError(f"image at {url} is larger than {max_bytes} bytes")
    if not looks_like_image(body):
        raise CoverArtUnavailable(f"{url} answered with something that is not an image")
    return body


def _raise_for_status(response: httpx.Response, url: str) -> None:
    status = response.status_code
    if response.is_success:
        return
    if status in (404, 410):
        raise CoverArtNotFound(f"no image at {url}")
    if is_transient_status(status):
        raise CoverArtUnavailable(f"{url} answered HTTP {status}")
    raise CoverArtError(f"{url} answered HTTP {status}")


def looks_like_image(body: bytes) -> bool:
    """True for JPEG, PNG, GIF and WebP data (by their file signatures)."""
    if body.startswith(_IMAGE_SIGNATURES):
        return True
    return body[:4] == b"RIFF" and body[8:12] == b"WEBP"
