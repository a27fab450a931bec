"""Fake Cover Art Archive (coverartarchive.org) plus the archive.org downloads it redirects to.

    GET /release/{mbid}                 JSON image listing (also with a trailing slash)
    GET /release/{mbid}/front[-250|-500|-1200]
    GET /release/{mbid}/{image_id}[-250|-500|-1200][.jpg]
        all answer 307 to /download/mbid-{mbid}/mbid-{mbid}-{image_id}[_thumbN].jpg
    GET /release-group/{mbid}[/front[-N]]   the same, for the group's first release with art
    GET /download/...                   a real JPEG made with Pillow

Releases without art, unknown releases and `back` answer 404; malformed UUIDs answer 400.
In "malformed" mode the service answers 200 with a broken JSON listing or an HTML page instead
of an image, like a captive portal would.
"""

from __future__ import annotations

import io
import re
import threading

from PIL import Image, ImageDraw

from fakes.metadata_services.catalog import MetadataCatalog
from fakes.metadata_services.demo_catalog import default_catalog
from fakes.metadata_services.musicbrainz import MBID_RE
from fakes.metadata_services.server import FakeApp, FakeServer, Request, Response

THUMB_SIZES = ("250", "500", "1200")
_ART = re.compile(
    r"^/(release|release-group)/([^/]+)/?(?:([^/]+?)(?:-(250|500|1200))?(?:\.jpg)?)?$"
)
_DOWNLOAD = re.compile(r"^/download/mbid-([^/]+)/mbid-[^/]+-(\d+)(?:_thumb(250|500|1200))?\.jpg$")


class CoverArtApp(FakeApp):
    name = "coverart"

    def __init__(self, catalog: MetadataCatalog) -> None:
        super().__init__()
        self.catalog = catalog
        self._images: dict[tuple[str, int], bytes] = {}
        self._images_lock = threading.Lock()

    def handles(self, path: str) -> bool:
        return path.startswith(("/release/", "/release-group/", "/download/"))

    def malformed(self, request: Request) -> Response:
        art = _ART.match(request.path)
        if request.path.startswith("/download/") or (art and art.group(3)):
            return Response(200, b"<html><body>Please log in</body></html>", "text/html")
        return Response(200, b'{"images": [{"front": tr', "application/json")

    def handle(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return Response(405, b"Method Not Allowed", "text/plain")
        download = _DOWNLOAD.match(request.path)
        if download:
            return self._download(*download.groups())
        art = _ART.match(request.path)
        if art is None:
            return Response(404, b"Not Found", "text/plain")
        kind, mbid, which, size = art.groups()
        if not MBID_RE.match(mbid):
            return Response(400, f"{mbid} is not a valid UUID".encode(), "text/plain")
        release_id = self._release_with_art(kind, mbid.lower())
        if release_id is None:
            return Response(404, b"No cover art found for this release", "text/plain")
        if which is None:
            return Response.json(self.listing(release_id))
        return self._redirect(release_id, which, size)

    def _release_with_art(self, kind: str, mbid: str) -> str | None:
        if kind == "release":
            return mbid if mbid in self.catalog.covers else None
        releases = self.catalog.releases_in_group(mbid)
        return next((r.id for r in releases if r.id in self.catalog.covers), None)

    def _redirect(self, release_id: str, which: str, size: str | None) -> Response:
        cover = self.catalog.covers[release_id]
        if which not in ("front", cover.image_id):
            return Response(404, b"Not Found", "text/plain")
        return Response.redirect(self._image_url(release_id, size))

    def _image_url(self, release_id: str, size: str | None) -> str:
        image_id = self.catalog.covers[release_id].image_id
        suffix = f"_thumb{size}" if size else ""
        return (
            f"{self.base_url}/download/mbid-{release_id}/mbid-{release_id}-{image_id}{suffix}.jpg"
        )

    def listing(self, release_id: str) -> dict[str, object]:
        """The JSON document CAA serves at /release/{mbid}."""
        cover = self.catalog.covers[release_id]
        base = f"{self.base_url}/release/{release_id}/{cover.image_id}"
        thumbs = {size: f"{base}-{size}.jpg" for size in THUMB_SIZES}
        thumbs.update(small=f"{base}-250.jpg", large=f"{base}-500.jpg")
        image = {
            "types": ["Front"],
            "front": True,
            "back": False,
            "edit": 17462565,
            "approved": True,
            "comment": "",
            "id": cover.image_id,
            "image": f"{base}.jpg",
            "thumbnails": thumbs,
        }
        return {"images": [image], "release": f"https://musicbrainz.org/release/{release_id}"}

    def _download(self, release_id: str, image_id: str, size: str | None) -> Response:
        cover = self.catalog.covers.get(release_id.lower())
        if cover is None or cover.image_id != image_id:
            return Response(404, b"Not Found", "text/html")
        pixels = min(cover.size_px, int(size)) if size else cover.size_px
        return Response(200, self._render(release_id, pixels), "image/jpeg")

    def _render(self, release_id: str, pixels: int) -> bytes:
        key = (release_id, pixels)
        with self._images_lock:
            if key not in self._images:
                self._images[key] = render_cover(self.catalog.covers[release_id].color, pixels)
            return self._images[key]


def render_cover(color: tuple[int, int, int], pixels: int) -> bytes:
    """A square JPEG in `color` with a contrasting block, so it is not a flat fill."""
    image = Image.new("RGB", (pixels, pixels), color)
    inverse = tuple(255 - c for c in color)
    ImageDraw.Draw(image).rectangle(
        (pixels // 4, pixels // 4, pixels * 3 // 4, pixels * 3 // 4), fill=inverse
    )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


class FakeCoverArt(FakeServer):
    """Fake Cover Art Archive on its own port: `with FakeCoverArt(catalog) as url: ...`."""

    def __init__(
        self, catalog: MetadataCatalog | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.catalog = catalog if catalog is not None else default_catalog()
        self.app = CoverArtApp(self.catalog)
        super().__init__([self.app], host=host, port=port)
