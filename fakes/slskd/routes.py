"""The `/api/v0` route table. Literal routes come before parameter routes, as ASP.NET prefers."""

from __future__ import annotations

from . import api_core as core
from . import api_handlers as api
from .httpd import Route, Router


def _r(method: str, path: str, handler: object, *, anonymous: bool = False) -> Route:
    pattern = tuple(path.split("/")) if path else ()
    return Route(method, pattern, handler, f"{method} {path}", anonymous)  # type: ignore[arg-type]


API_ROUTES = [
    _r("GET", "session/enabled", core.session_enabled, anonymous=True),
    _r("GET", "session", core.session_check),
    _r("POST", "session", core.session_login, anonymous=True),
    _r("GET", "application", core.application),
    _r("GET", "application/version", core.version),
    _r("GET", "application/version/latest", core.version_latest),
    _r("GET", "server", core.server_get),
    _r("PUT", "server", core.server_connect),
    _r("DELETE", "server", core.server_disconnect),
    _r("GET", "options", core.options),
    _r("GET", "options/startup", core.options),
    _r("GET", "events", core.events),
    _r("POST", "events/{type}", core.raise_event),
    _r("GET", "searches", api.list_searches),
    _r("POST", "searches", api.post_search),
    _r("GET", "searches/{id}", api.get_search),
    _r("PUT", "searches/{id}", api.stop_search),
    _r("DELETE", "searches/{id}", api.delete_search),
    _r("GET", "searches/{id}/responses", api.search_responses),
    _r("GET", "users/{username}/info", api.user_info),
    _r("GET", "users/{username}/status", api.user_status),
    _r("GET", "users/{username}/endpoint", api.user_endpoint),
    _r("GET", "users/{username}/browse", api.user_browse),
    _r("GET", "users/{username}/browse/status", api.user_browse_status),
    _r("POST", "users/{username}/directory", api.user_directory),
    _r("GET", "transfers/downloads", api.list_downloads),
    _r("DELETE", "transfers/downloads/all/completed", api.remove_completed),
    _r("POST", "transfers/downloads/batches", api.enqueue_batch),
    _r("GET", "transfers/downloads/batches/{id}", api.get_batch),
    _r("GET", "transfers/downloads/{username}", api.user_downloads),
    _r("POST", "transfers/downloads/{username}", api.enqueue),
    _r("GET", "transfers/downloads/{username}/{id}", api.get_download),
    _r("DELETE", "transfers/downloads/{username}/{id}", api.cancel_download),
    _r("GET", "transfers/downloads/{username}/{id}/position", api.download_position),
    _r("GET", "transfers/uploads", api.list_uploads),
]

ROUTER = Router(API_ROUTES)
