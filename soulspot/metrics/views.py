"""GET /metrics: Prometheus text for a scraper holding an API key or the metrics token."""

from __future__ import annotations

import os

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from accounts.auth import ApiKeyAuth
from accounts.throttle import API_KEY_USERNAME
from soulspot.metrics import MULTIPROCESS_ENV
from soulspot.metrics.collector import DatabaseCollector
from soulspot.metrics.middleware import HTTP_METRICS

BEARER = "Bearer "


@csrf_exempt
@login_not_required
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Every SoulSpot series; 401 without an API key (X-API-Key) or the metrics bearer token."""
    if not _authorised(request):
        response = HttpResponse(
            "401 Unauthorized: send X-API-Key or Authorization: Bearer\n",
            status=401,
            content_type="text/plain; charset=utf-8",
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body = generate_latest(_registry())
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


def _authorised(request: HttpRequest) -> bool:
    header = request.headers.get("Authorization", "")
    if settings.SOULSPOT_METRICS_TOKEN and header.startswith(BEARER):
        return _token_accepted(request, header[len(BEARER) :].strip())
    # ApiKeyAuth counts a wrong key as a failed login (and answers a locked-out caller 429).
    return bool(ApiKeyAuth()(request))


def _token_accepted(request: HttpRequest, token: str) -> bool:
    """The metrics token, throttled like an API key: wrong tokens count as failed logins."""
    credentials = {"username": API_KEY_USERNAME}
    if not AxesProxyHandler.is_allowed(request, credentials):
        # AxesMiddleware turns the 401 that follows into the 429 lockout answer.
        request.axes_locked_out = True
        request.axes_credentials = credentials
        return False
    if constant_time_compare(token, settings.SOULSPOT_METRICS_TOKEN):
        return True
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    return False


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(DatabaseCollector())
    if folder := os.environ.get(MULTIPROCESS_ENV):
        # Every web worker's counts, summed from the files they write (see __init__.py).
        MultiProcessCollector(registry, path=folder)
    else:
        for metric in HTTP_METRICS:
            registry.register(metric)
    return registry
