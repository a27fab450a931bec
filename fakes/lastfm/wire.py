"""The fake Last.fm web service: `POST /2.0/` with a form body, answered in Last.fm's XML.

    method=track.getTopTags&artist=…&track=…&api_key=…[&autocorrect=1]
    method=album.getTopTags&artist=…&album=…&api_key=…
    method=artist.getTopTags&artist=…&api_key=…

Success is `<lfm status="ok"><toptags …><tag><count/><name/><url/></tag>…</toptags></lfm>`,
failure `<lfm status="failed"><error code="6">Track not found</error></lfm>` (unknown item
6, bad key 10, suspended key 26, unknown method 3, rate limit 29). GET with query parameters
works too, as on the real service. `forced_error` makes every call fail with that code.
"""

from __future__ import annotations

from urllib.parse import parse_qs, quote_plus
from xml.sax.saxutils import escape, quoteattr

from fakes.lastfm.world import LastFmWorld, Tags
from fakes.metadata_services.server import FakeApp, Request, Response

MESSAGES = {
    3: "Invalid Method - No method with that name in this package",
    6: "Invalid parameters - Your request is missing a required parameter",
    8: "Operation failed - Most likely the backend service failed. Please try again.",
    10: "Invalid API key - You must be granted a valid key by last.fm",
    11: "Service Offline - This service is temporarily offline. Try again later.",
    16: "There was a temporary error processing your request. Please try again",
    26: "Suspended API key - Access for your account has been suspended, please contact Last.fm",
    29: "Rate Limit Exceded - Your IP has made too many requests in a short period",
}
HTTP_STATUS = {3: 400, 6: 400, 8: 500, 10: 403, 11: 503, 16: 503, 26: 403, 29: 429}


def failed(code: int, message: str | None = None) -> Response:
    text = escape(message or MESSAGES.get(code, "Error"))
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<lfm status="failed">\n<error code="{code}">{text}</error></lfm>'
    )
    return Response(HTTP_STATUS.get(code, 400), body.encode(), "text/xml; charset=UTF-8")


def top_tags(tags: Tags, attributes: dict[str, str]) -> Response:
    attrs = "".join(f" {name}={quoteattr(value)}" for name, value in attributes.items())
    items = "".join(
        f"<tag><count>{count}</count><name>{escape(name)}</name>"
        f"<url>https://www.last.fm/tag/{escape(quote_plus(name))}</url></tag>"
        for name, count in tags
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<lfm status="ok">\n<toptags{attrs}>{items}</toptags></lfm>'
    )
    return Response(200, body.encode(), "text/xml; charset=UTF-8")


class LastFmApp(FakeApp):
    name = "lastfm"

    def __init__(self, world: LastFmWorld) -> None:
        super().__init__()
        self.world = world
        self.forced_error: int | None = None

    def handles(self, path: str) -> bool:
        # Any prefix: a test can put the fake behind a path, as a proxy would.
        return path.rstrip("/").endswith("/2.0")

    def unavailable(self, request: Request) -> Response:
        return Response(503, b"<html><body>Service Unavailable</body></html>", "text/html")

    def malformed(self, request: Request) -> Response:
        return Response(200, b'<?xml version="1.0"?><lfm status="ok"><toptags><tag>', "text/xml")

    def handle(self, request: Request) -> Response:
        params = form(request)
        key = params.get("api_key", "")
        if key in self.world.suspended_keys:
            return failed(26)
        if key not in self.world.api_keys:
            return failed(10)
        if self.forced_error is not None:
            return failed(self.forced_error)
        return self._method(params)

    def _method(self, params: dict[str, str]) -> Response:
        method = params.get("method", "").casefold()
        artist = params.get("artist", "")
        if method == "track.gettoptags":
            tags = self.world.track_tags(artist, params.get("track", ""))
            return _answer(tags, "Track not found", artist=artist, track=params.get("track", ""))
        if method == "album.gettoptags":
            tags = self.world.album_tags(artist, params.get("album", ""))
            return _answer(tags, "Album not found", artist=artist, album=params.get("album", ""))
        if method == "artist.gettoptags":
            tags = self.world.artist_tags(artist)
            return _answer(tags, "The artist you supplied could not be found", artist=artist)
        return failed(3)


def _answer(tags: Tags | None, missing: str, **attributes: str) -> Response:
    if tags is None:
        return failed(6, missing)
    return top_tags(tags, attributes)


def form(request: Request) -> dict[str, str]:
    """The call's parameters: the form body of a POST, else the query string."""
    values = dict(request.query)
    if request.body:
        values = parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
    return {name: items[0] for name, items in values.items() if items}
