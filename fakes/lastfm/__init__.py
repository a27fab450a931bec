"""A fake Last.fm web service speaking the real wire protocol (form POSTs, XML answers), so
pylast is exercised end to end:

    from fakes.lastfm import FakeLastFm, LastFmWorld

    world = LastFmWorld()
    world.set_track_tags("Artist", "Song", [("hip hop", 100), ("seen live", 40)])
    fake = FakeLastFm(world)
    with fake as url:            # settings.LASTFM_URL = url, LASTFM_API_KEY = DEFAULT_API_KEY
        fake.force_error(29)     # every call fails with that Last.fm code; None = normal again
        fake.set_mode("503")     # or "malformed", "hang", "ok"; fake.stop() refuses connections
        fake.requests            # what pylast sent (form body, headers)

For the demo: `python -m fakes.lastfm --port 8767 --scenario demo`.
"""

from __future__ import annotations

import json

from fakes.lastfm.wire import LastFmApp, form
from fakes.lastfm.world import DEFAULT_API_KEY, LastFmWorld, demo_world
from fakes.metadata_services.server import FakeServer, Request, Response

__all__ = ["DEFAULT_API_KEY", "FakeLastFm", "LastFmWorld", "demo_world", "form"]


class FakeLastFm(FakeServer):
    """Fake Last.fm on its own port. Besides the shared control endpoints it has
    `POST /_fake/error {"code": 29}` (`{"code": null}` = answer normally again)."""

    def __init__(
        self, world: LastFmWorld | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.world = world if world is not None else LastFmWorld()
        self.app = LastFmApp(self.world)
        super().__init__([self.app], host=host, port=port)

    def force_error(self, code: int | None) -> None:
        """Answer every call with Last.fm error `code` (e.g. 29 rate limit); None = normal."""
        self.app.forced_error = code

    def calls(self) -> list[dict[str, str]]:
        """The parameters of every Last.fm call received, in order."""
        return [form(r) for r in self.requests_for("/2.0")]

    def _control(self, request: Request) -> Response:
        if request.path != "/_fake/error" or request.method != "POST":
            return super()._control(request)
        try:
            code = json.loads(request.body or b"{}").get("code")
        except (ValueError, AttributeError):
            return Response.json({"error": 'body must be JSON like {"code": 29}'}, status=400)
        if code is not None and not isinstance(code, int):
            return Response.json({"error": "code must be a whole number or null"}, status=400)
        self.force_error(code)
        return Response.json({"forced_error": code})
