"""REST API authentication: an `X-API-Key` header, or the browser session (with CSRF)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from ninja.security import APIKeyHeader, django_auth

from accounts.models import ApiKey


class ApiKeyAuth(APIKeyHeader):
    """Accepts the key from `SOULSPOT_API_KEY` or any non-revoked key created in the admin."""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> str | None:
        if not key:
            return None
        if settings.SOULSPOT_API_KEY and constant_time_compare(key, settings.SOULSPOT_API_KEY):
            return "environment key"
        api_key = ApiKey.objects.matching(key).first()
        if api_key is None:
            return None
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now())
        return api_key.name


API_AUTH = [ApiKeyAuth(), django_auth]
