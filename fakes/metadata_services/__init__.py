"""In-process fakes for MusicBrainz, the Cover Art Archive and LRCLIB.

Each fake speaks the real wire protocol on a local port, so the real client libraries
(musicbrainzngs, httpx) are exercised end to end:

    from fakes.metadata_services import FakeMusicBrainz, MetadataCatalog

    catalog = MetadataCatalog()
    added = catalog.add_release("Album", "Artist", tracks=[("Song", 200_000, "GBAAA0000001")])
    fake = FakeMusicBrainz(catalog)
    with fake as url:            # settings.MUSICBRAINZ_URL = url
        fake.set_mode("503")     # or "malformed", "hang", "ok"; fake.stop() refuses connections
        fake.requests            # what the client sent (headers include the User-Agent)

`FakeMetadataServices` serves all three on one port (for the demo:
`python -m fakes.metadata_services --port 8766`).
"""

from __future__ import annotations

from fakes.metadata_services.catalog import (
    AddedRelease,
    MetadataCatalog,
    TrackSpec,
)
from fakes.metadata_services.coverart import CoverArtApp, FakeCoverArt
from fakes.metadata_services.demo_catalog import default_catalog
from fakes.metadata_services.lrclib import FakeLrclib, LrclibApp
from fakes.metadata_services.musicbrainz import FakeMusicBrainz, MusicBrainzApp
from fakes.metadata_services.server import FakeServer, Request, Response


class FakeMetadataServices(FakeServer):
    """MusicBrainz, Cover Art Archive and LRCLIB on one port, sharing one catalogue.

    Their paths do not overlap (/ws/2/, /release*/ + /download/, /api/), so one base URL can
    serve as MUSICBRAINZ_URL, COVERART_URL and LRCLIB_URL at once.
    """

    def __init__(
        self,
        catalog: MetadataCatalog | None = None,
        *,
        enforce_rate_limit: bool = False,
        min_interval: float = 1.0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.catalog = catalog if catalog is not None else default_catalog()
        self.musicbrainz = MusicBrainzApp(
            self.catalog, enforce_rate_limit=enforce_rate_limit, min_interval=min_interval
        )
        self.coverart = CoverArtApp(self.catalog)
        self.lrclib = LrclibApp(self.catalog)
        super().__init__([self.musicbrainz, self.coverart, self.lrclib], host=host, port=port)


__all__ = [
    "AddedRelease",
    "FakeCoverArt",
    "FakeLrclib",
    "FakeMetadataServices",
    "FakeMusicBrainz",
    "FakeServer",
    "MetadataCatalog",
    "Request",
    "Response",
    "TrackSpec",
    "default_catalog",
]
