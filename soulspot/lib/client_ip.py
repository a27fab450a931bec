"""Who is calling: the one definition of a client's address (audit log, login throttling)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The peer's address; behind the HTTPS proxy, the address that proxy appended last.

    Only the last `X-Forwarded-For` entry is the proxy's own word: earlier ones come from the
    client and could name anyone. Anything that is not an IP address gives None (PostgreSQL's
    inet column would refuse it).
    """
    if settings.SOULSPOT_BEHIND_HTTPS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        # Garbage here falls back to the peer, so a forged header cannot dodge a lockout.
        if address := _ip_or_none(forwarded):
            return address
    return _ip_or_none(request.META.get("REMOTE_ADDR", ""))


def _ip_or_none(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None
