"""What every metadata provider client shares: error types, the on/off switch, and HTTP setup.

Callers handle two outcomes beyond success: `ProviderUnavailable` (network trouble, 5xx, rate
limit, a garbled answer: record the gap and retry later) and `NotFound` (the service answered
that the thing does not exist: do not retry). Each service module subclasses both with its own
error type, e.g. `MusicBrainzUnavailable(MusicBrainzError, ProviderUnavailable)`.
"""

from __future__ import annotations

import threading
import time

import httpx
from django.conf import settings

from soulspot.lib import http as lib_http


class ProviderError(Exception):
    """A metadata provider could not give a usable answer."""


class ProviderUnavailable(ProviderError):
    """Temporary failure (network, 5xx, rate limit, malformed response): try again later."""


class NotFound(ProviderError):
    """The provider answered that the requested item does not exist."""


def require_enabled(error: type[ProviderUnavailable] = ProviderUnavailable) -> None:
    """Raise `error` when METADATA_PROVIDERS_ENABLED is off, before any network traffic.

    Benchmarks and offline installs switch providers off; callers then see the same
    "unavailable, retry later" outcome as for an outage.
    """
    if not settings.METADATA_PROVIDERS_ENABLED:
        raise error("metadata providers are switched off")


def user_agent() -> str:
    return settings.SOULSPOT_USER_AGENT


def timeout_seconds() -> float:
    return float(settings.METADATA_PROVIDER_TIMEOUT_SECONDS)


def service_url(base_url: str) -> str:
    """A base URL from settings, without the trailing slash."""
    return str(base_url).rstrip("/")


def http_client(timeout: float | None = None, **kwargs: object) -> httpx.Client:
    """A provider's client: SoulSpot's User-Agent, bounded timeouts, redirects followed."""
    total = timeout if timeout is not None else timeout_seconds()
    return lib_http.http_client(timeout=total, user_agent=user_agent(), **kwargs)


def is_transient_status(status_code: int) -> bool:
    """Statuses that mean "not now" rather than "no": rate limits and server errors."""
    return status_code == 429 or status_code >= 500


def read_capped(response: httpx.Response, max_bytes: int) -> bytes | None:
    """Read a streamed body, or None as soon as it proves larger than `max_bytes`."""
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        return None
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


class RateLimiter:
    """Spaces calls `interval` seconds apart across all threads of this process.

    A caller reserves the next free slot under the lock and sleeps outside it, so one slow
    request does not hold the others back beyond the agreed pace.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next_slot = 0.0

    def wait(self, interval: float) -> None:
        if interval <= 0:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot)
            self._next_slot = slot + interval
        if slot > now:
            time.sleep(slot - now)
