"""Sending a form back to the page it was posted from."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def redirect_back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Back to the page the form was on (`next`, same site only), else to `fallback`.

    Only a path is taken: `redirect()` would try a bare word such as "-5" as a URL name and
    fail with NoReverseMatch (a 500).
    """
    target = request.POST.get("next", "")
    safe = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return HttpResponseRedirect(target if safe else fallback)
