"""REST API authentication: an `X-API-Key` header, or the browser session (with CSRF).

A call without valid credentials gets 401 whatever its method. CSRF is checked only once a
session user is found, because only a browser session can be ridden by another site; a
wrong key must not be answered with a CSRF error that hides the real problem.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from ninja.errors import HttpError
from ninja.security import APIKeyHeader
from ninja.security.session import SessionAuth
from ninja.utils import check_csrf

from accounts.models import ApiKey
from accounts.throttle import API_KEY_USERNAME

CSRF_FAILED = (
    "CSRF check failed: a write with the browser session needs the X-CSRFToken header "
    "(the csrftoken cookie's value)."
)


class ApiKeyAuth(APIKeyHeader):
    """Accepts the key from `SOULSPOT_API_KEY` or any non-revoked key created in the admin.

    Wrong keys count as failed logins for the caller's address; once it is locked out every
    key is refused (429, see `accounts.throttle`), the right one included.
    """

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> str | None:
        if not key:
            return None
        credentials = {"username": API_KEY_USERNAME}
        if not AxesProxyHandler.is_allowed(request, credentials):
            # AxesMiddleware turns the 401 that follows into the 429 lockout answer.
            request.axes_locked_out = True
            request.axes_credentials = credentials
            return None
        name = _key_name(key)
        if name is None:
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        return name


def is_environment_key(key: str) -> bool:
    """The `SOULSPOT_API_KEY` value: the one key that can be checked without the database."""
    return bool(settings.SOULSPOT_API_KEY) and constant_time_compare(key, settings.SOULSPOT_API_KEY)


def _key_name(key: str) -> str | None:
    if is_environment_key(key):
        return "environment key"
    api_key = ApiKey.objects.matching(key).first()
    if api_key is None:
        return None
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now())
    return api_key.name


class SessionCsrfAuth(SessionAuth):
    """The browser session; no session user means None (so 401), a user without CSRF means 403."""

    def __init__(self) -> None:
        super().__init__(csrf=False)

    def authenticate(self, request: HttpRequest, key: str | None) -> object | None:
        if not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, CSRF_FAILED)
        return request.user


API_AUTH = [ApiKeyAuth(), SessionCsrfAuth()]
