"""Fake LRCLIB (lrclib.net) JSON API.

    GET /api/get?artist_name=&track_name=[&album_name=][&duration=]   best match or 404
    GET /api/get-cached?...                                            same
    GET /api/get/{id}
    GET /api/search?q=  or  ?track_name=[&artist_name=][&album_name=]   JSON array (max 20)

Matching follows the real service: names compare case- and punctuation-insensitively and a
given `duration` (seconds) must be within 2 s of the record's. A miss answers 404 with the body
`{"message": "Failed to find specified track", "name": "TrackNotFound", "statusCode": 404}`.
"""

from __future__ import annotations

from fakes.metadata_services.catalog import (
    LyricsRecord,
    MetadataCatalog,
    normalize,
)
from fakes.metadata_services.demo_catalog import default_catalog
from fakes.metadata_services.server import FakeApp, FakeServer, Request, Response

DURATION_TOLERANCE_S = 2.0
SEARCH_LIMIT = 20


def _problem(status: int, name: str, message: str) -> Response:
    return Response.json({"message": message, "name": name, "statusCode": status}, status)


def _not_found() -> Response:
    return _problem(404, "TrackNotFound", "Failed to find specified track")


class LrclibApp(FakeApp):
    name = "lrclib"

    def __init__(self, catalog: MetadataCatalog) -> None:
        super().__init__()
        self.catalog = catalog

    def handles(self, path: str) -> bool:
        return path.startswith("/api/")

    def unavailable(self, request: Request) -> Response:
        return Response(
            503, b"<html><body>503 Service Temporarily Unavailable</body></html>", "text/html"
        )

    def malformed(self, request: Request) -> Response:
        return Response(200, b'{"id": 1, "trackName": "Brok', "application/json")

    def handle(self, request: Request) -> Response:
        path = request.path.rstrip("/")
        if path in ("/api/get", "/api/get-cached"):
            return self._get(request)
        if path.startswith("/api/get/"):
            return self._get_by_id(path.rsplit("/", 1)[1])
        if path == "/api/search":
            return self._search(request)
        return _problem(404, "NotFound", "Not found")

    def _get(self, request: Request) -> Response:
        track, artist = request.arg("track_name"), request.arg("artist_name")
        if not track or not artist:
            return _problem(400, "ValidationError", "track_name and artist_name are required")
        raw_duration = request.arg("duration")
        try:
            duration = float(raw_duration) if raw_duration else None
        except ValueError:
            return _problem(400, "ValidationError", "duration must be a number")
        album = request.arg("album_name")
        for record in self.catalog.lyrics:
            if _matches(record, track, artist, album, duration):
                return Response.json(record.as_json())
        return _not_found()

    def _get_by_id(self, raw_id: str) -> Response:
        record = next((r for r in self.catalog.lyrics if str(r.id) == raw_id), None)
        return Response.json(record.as_json()) if record else _not_found()

    def _search(self, request: Request) -> Response:
        q, track = request.arg("q"), request.arg("track_name")
        if not q and not track:
            return _problem(400, "ValidationError", "q or track_name is required")
        hits = [
            r.as_json()
            for r in self.catalog.lyrics
            if _search_hit(r, q, track, request.arg("artist_name"), request.arg("album_name"))
        ]
        return Response.json(hits[:SEARCH_LIMIT])


def _matches(
    record: LyricsRecord, track: str, artist: str, album: str | None, duration: float | None
) -> bool:
    if normalize(record.track_name) != normalize(track):
        return False
    if normalize(record.artist_name) != normalize(artist):
        return False
    if album and normalize(record.album_name) != normalize(album):
        return False
    if duration is None:
        return True
    return record.duration_s is not None and abs(record.duration_s - duration) <= (
        DURATION_TOLERANCE_S
    )


def _search_hit(
    record: LyricsRecord,
    q: str | None,
    track: str | None,
    artist: str | None,
    album: str | None,
) -> bool:
    if q:
        haystack = normalize(f"{record.track_name} {record.artist_name} {record.album_name or ''}")
        return all(word in haystack.split() for word in normalize(q).split())
    wanted = [(track, record.track_name), (artist, record.artist_name), (album, record.album_name)]
    return all(normalize(want) in normalize(have) for want, have in wanted if want)


class FakeLrclib(FakeServer):
    """Fake LRCLIB on its own port: `with FakeLrclib(catalog) as url: ...`."""

    def __init__(
        self, catalog: MetadataCatalog | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.catalog = catalog if catalog is not None else default_catalog()
        self.app = LrclibApp(self.catalog)
        super().__init__([self.app], host=host, port=port)
