"""Login throttling glue for django-axes: who is counted, and what a locked-out client sees.

Axes records failures (wrong passwords on the login and admin forms, wrong `X-API-Key` values)
in its database tables and refuses every attempt while a username or an address is over the
limit. These callables are named in settings (`AXES_*`).
"""

from __future__ import annotations

import math

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from soulspot.lib.client_ip import client_ip

# The username recorded for a wrong API key: keys have no owner name to count them by, so the
# API path locks by address only (see `lockout_parameters`).
API_KEY_USERNAME = "(api key)"
_API_PREFIX = "/api/"
# Paths whose callers send keys, not passwords: /metrics takes an API key or a bearer token.
_KEY_PREFIXES = (_API_PREFIX, "/metrics")
_USERNAME_MAX = 255  # axes.models.AccessBase.username


def client_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username failures are counted against, as axes can store it.

    Django's login form passes usernames of any length to authentication; one longer than
    axes' column (or holding NUL, which PostgreSQL refuses) would turn a failed login into a
    500. No account has such a name, so a cleaned, shortened form counts just as well.
    """
    username = credentials.get("username") if credentials else request.POST.get("username")
    if not username:
        return None
    return username.replace("\x00", "")[:_USERNAME_MAX]


def lockout_parameters(request_or_attempt: object, credentials: dict | None = None) -> list:
    """A username or an address over the limit is locked; API keys count by address only.

    Counting wrong keys by a shared username would let anyone lock every key holder out.
    """
    if getattr(request_or_attempt, "path_info", "").startswith(_KEY_PREFIXES):
        return ["ip_address"]
    return ["username", "ip_address"]


def lockout_seconds_left(request: HttpRequest, username: str | None = None) -> int:
    """Seconds until the newest counted failure for this address or username expires."""
    lockout = settings.AXES_COOLOFF_TIME
    match = Q(ip_address=client_ip(request))
    if username:
        match |= Q(username=username)
    latest = AccessAttempt.objects.filter(match).aggregate(latest=Max("attempt_time"))["latest"]
    if latest is None:
        return int(lockout.total_seconds())
    left = (latest + lockout - timezone.now()).total_seconds()
    return max(1, math.ceil(left))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """429 with a message that says when to try again: JSON for the API, a page otherwise."""
    seconds = lockout_seconds_left(request, client_username(request, credentials))
    minutes = math.ceil(seconds / 60)
    message = (
        f"Too many failed sign-in attempts. Sign-in is blocked for {minutes} more "
        f"minute{'s' if minutes != 1 else ''}, even with the right password."
    )
    if request.path_info.startswith(_API_PREFIX):
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "accounts/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(seconds)
    return response
