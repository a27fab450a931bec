"""The slskd warning on the pages where downloading matters, without a network call per page.

A page render never asks slskd anything: "not configured" comes from the settings, and
"unreachable" (or refused, or logged out) from the last real check this process made — the
readiness probe (`/api/health/ready`, which a container health check calls every few seconds)
and the dashboard's status card both run it. Until one has run, only "not configured" is known.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from downloads.slskd import is_configured

STATUS_CACHE_KEY = "soulspot:slskd-last-check"
# Older than this, a failed check says too little about now to warn about it.
STATUS_MAX_AGE_SECONDS = 600
# Where a missing slskd stops the page from doing its job.
BANNER_PAGES = frozenset(
    {
        "downloads:list",
        "downloads:detail",
        "downloads:wanted",
        "downloads:wanted-cutoff-unmet",
        "downloads:search",
        "downloads:search-detail",
        "downloads:musicbrainz",
    }
)
PROBLEMS = {
    "unreachable": "SoulSpot could not reach slskd",
    "unauthorized": "slskd refused SoulSpot's API key",
    "not_logged_in": "slskd is not logged in to Soulseek",
    "error": "slskd answered with an error",
}


def remember_slskd_check(status: str, detail: str) -> None:
    """Keep the outcome of a real slskd check for the banner (this process only)."""
    cache.set(
        STATUS_CACHE_KEY,
        {"status": status, "detail": detail, "at": time.time()},
        STATUS_MAX_AGE_SECONDS,
    )


def slskd_banner(request: HttpRequest) -> dict:
    """Context processor: `slskd_banner` on the download pages when slskd cannot be used."""
    match = request.resolver_match
    if match is None or match.view_name not in BANNER_PAGES:
        return {}
    if not is_configured():
        return {"slskd_banner": {"status": "not_configured", "settings_url": _settings_url()}}
    last = cache.get(STATUS_CACHE_KEY)
    if last is None or last["status"] not in PROBLEMS:
        return {}
    banner = {
        "status": last["status"],
        "problem": PROBLEMS[last["status"]],
        "detail": last["detail"],
        "seconds_ago": int(time.time() - last["at"]),
        "settings_url": _settings_url(),
    }
    return {"slskd_banner": banner}


def _settings_url() -> str | None:
    try:
        return reverse("settings")
    except NoReverseMatch:
        return None  # the settings page is not built yet: the banner names the variables
