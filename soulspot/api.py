"""The REST API: one NinjaAPI, one router per app, OpenAPI docs at /api/docs."""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, OperationalError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema, Status

from accounts.auth import API_AUTH, ApiKeyAuth, is_environment_key
from metadata.providers.base import NotFound, ProviderError, ProviderUnavailable
from metadata.providers.spotify import SpotifyAuthError, SpotifyNotConfigured, SpotifyNotConnected
from soulspot import health
from soulspot.lib import disk_full
from soulspot.lib.errors import SoulSpotError

api = NinjaAPI(
    title="SoulSpot API",
    version=settings.VERSION,
    description=(
        "Self-hosted music acquisition and library manager. Authenticate with an `X-API-Key` "
        "header (the `SOULSPOT_API_KEY` value, or a key created in the admin), or with the "
        "browser session plus the CSRF token. Unauthenticated calls get 401."
    ),
    auth=API_AUTH,
    urls_namespace="api",
)


class HealthOut(Schema):
    status: str
    version: str


class CheckOut(Schema):
    ok: bool
    status: str
    detail: str


class ReadinessOut(Schema):
    status: str
    checks: dict[str, CheckOut] | None = None


@api.get("/health", auth=None, response=HealthOut, tags=["health"], summary="Liveness")
def liveness(request: HttpRequest) -> dict:
    """Answers as long as the web process runs; needs no authentication."""
    return {"status": "ok", "version": settings.VERSION}


@api.get(
    "/health/ready",
    auth=None,
    response={200: ReadinessOut, 503: ReadinessOut},
    exclude_none=True,
    tags=["health"],
    summary="Readiness",
)
def ready(request: HttpRequest) -> Status:
    """Database, worker heartbeat, slskd connection and free space; 503 when any is wrong.

    Anyone may ask (container health checks carry no credentials) but only an authenticated
    caller sees the checks: they name hosts, folders and versions an attacker would like to know.
    """
    ok, checks = health.readiness()
    body = {"status": "ready" if ok else "not_ready"}
    if _may_see_checks(request):
        body["checks"] = checks
    return Status(200 if ok else 503, body)


def _may_see_checks(request: HttpRequest) -> bool:
    try:
        return request.user.is_authenticated or bool(ApiKeyAuth()(request))
    except DatabaseError:
        # With the database down, the environment key is the one credential still checkable.
        return is_environment_key(request.headers.get("X-API-Key", ""))


@api.exception_handler(SoulSpotError)
def domain_error(request: HttpRequest, exc: SoulSpotError) -> HttpResponse:
    """Every refusal a service raises, with the status its class means (400, 404, 409, 422).

    The body is `{"detail": message}` (`soulspot.lib.schemas.ErrorOut`), plus the fields a
    subclass documents (`scan_id` of the scan already running).
    """
    return api.create_response(request, exc.body(), status=exc.http_status)


@api.exception_handler(ProviderError)
def provider_error(request: HttpRequest, exc: ProviderError) -> HttpResponse:
    """An outside service (Spotify, MusicBrainz...) could not do it: 503 while it is
    unreachable, rate limiting or garbled (with `Retry-After` when it said when), 404 when it
    says the thing does not exist, 409 when an account must be connected first, 400 when
    SoulSpot is not set up for it or the login was refused, 502 when it refused the request."""
    response = api.create_response(request, {"detail": str(exc)}, status=_status_of(exc))
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _status_of(exc: ProviderError) -> int:
    if isinstance(exc, ProviderUnavailable):
        return 503
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, SpotifyNotConnected):
        return 409
    return 400 if isinstance(exc, SpotifyNotConfigured | SpotifyAuthError) else 502


@api.exception_handler(OperationalError)
def database_full(request: HttpRequest, exc: OperationalError) -> HttpResponse:
    """A write refused on a full disk answers 503 with what to do; any other database error is
    a bug and stays a 500."""
    if not disk_full.is_disk_full(exc):
        raise exc
    return api.create_response(request, {"detail": disk_full.MESSAGE}, status=503)


api.add_router("/audit", "accounts.api.router")
api.add_router("/calendar", "automation.calendar_api.router")
api.add_router("/calendar.ics", "automation.calendar_api.ics_router")
api.add_router("/downloads", "downloads.api.router")
api.add_router("/history", "library.api.history_router")
api.add_router("/library", "library.api.router")
api.add_router("/library/artists", "automation.discography_api.router")
api.add_router("/lists", "automation.lists.api.router")
api.add_router("/metadata", "metadata.api.router")
api.add_router("/metadata/conflicts", "metadata.engine_api.conflicts_router")
api.add_router("/metadata/settings", "metadata.engine_api.settings_router")
api.add_router("/musicbrainz", "metadata.musicbrainz_api.router")
api.add_router("/notifications", "automation.notifications_api.router")
api.add_router("/playlists", "library.playlists_api.router")
api.add_router("/rules", "downloads.rules_api.router")
api.add_router("/settings", "soulspot.settings_api.router")
api.add_router("/spotify", "automation.spotify.api.router")
api.add_router("/system", "soulspot.system_api.router")
api.add_router("/wanted", "downloads.api.wanted_router")
api.add_router("/watchlist", "automation.watch_api.router")
