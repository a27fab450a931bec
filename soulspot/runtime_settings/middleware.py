"""The web process's side of the overlay: look for changed runtime settings before a request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from soulspot.runtime_settings.overlay import ensure_fresh


class RuntimeSettingsMiddleware:
    """Before each request, at most once every few seconds: the stored values in force."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ensure_fresh()
        return self.get_response(request)
