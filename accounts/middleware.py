"""Every page needs a login, and before the first account exists every page leads to setup."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.setup_token import setup_done

# The API and /metrics answer 401 themselves (API keys), and static files need no session.
_OPEN_PREFIXES = ("/api/", "/static/", "/metrics")


class LoginRequiredMiddleware(DjangoLoginRequired):
    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.path.startswith(_OPEN_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class FirstRunSetupMiddleware:
    """Sends every page to the setup form while no user exists (checked until one does)."""

    _setup_done = False

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(_OPEN_PREFIXES) or not self._needs_setup():
            return self.get_response(request)
        if request.path != "/setup/":
            return redirect("accounts:setup")
        return self.get_response(request)

    @classmethod
    def _needs_setup(cls) -> bool:
        # Only "done" is remembered: it never reverts, so a stale "not done" in another process
        # costs one redirect, and the setup view itself decides from the database.
        if not cls._setup_done:
            cls._setup_done = setup_done()
        return not cls._setup_done
