"""HTTP requests by route, method and status, with a latency histogram per route."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, ResolverMatch, resolve
from prometheus_client import Counter, Histogram

# Not registered globally: the /metrics view adds them to its registry (or, in multiprocess
# mode, reads every process's files instead).
REQUESTS = Counter(
    "soulspot_http_requests",
    "HTTP requests answered, by route pattern, method and status.",
    ["route", "method", "status"],
    registry=None,
)
LATENCY = Histogram(
    "soulspot_http_request_duration_seconds",
    "Time to answer an HTTP request, by route pattern and method.",
    ["route", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=None,
)
HTTP_METRICS = (REQUESTS, LATENCY)

# Anything else a client sends is counted as "other": a label per invented method would let
# any caller create series without bound.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"


class RequestMetricsMiddleware:
    """Counts and times every request under its URL pattern ("downloads/<id:job_id>/"), never
    its raw path: ids and junk paths would make one series per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        route = route_of(request)
        method = request.method if request.method in KNOWN_METHODS else "other"
        REQUESTS.labels(route, method, str(response.status_code)).inc()
        LATENCY.labels(route, method).observe(elapsed)
        return response


def route_of(request: HttpRequest) -> str:
    """The pattern that matched the request, "static" for static files, else "unmatched"."""
    match: ResolverMatch | None = getattr(request, "resolver_match", None)
    if match is None:
        # Answered before URL resolution (first-run redirect, static files, a refusal).
        if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return "static"
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return UNMATCHED
    return "/" + match.route
