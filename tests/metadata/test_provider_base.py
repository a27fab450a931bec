"""metadata.providers.base: the shared error types, switch and HTTP client."""

from __future__ import annotations

import threading
import time

import pytest

from metadata.providers import base
from soulspot.lib.http import CONNECT_TIMEOUT_SECONDS


def test_http_client_sends_soulspots_user_agent_with_bounded_timeouts(settings) -> None:
    settings.SOULSPOT_USER_AGENT = "SoulSpot/1.2 ( https://example.invalid )"

    with base.http_client(timeout=3) as client:
        assert client.headers["User-Agent"] == "SoulSpot/1.2 ( https://example.invalid )"
        assert (client.timeout.read, client.timeout.connect) == (3, 3)
        assert client.follow_redirects


def test_http_client_timeout_comes_from_settings(settings) -> None:
    settings.METADATA_PROVIDER_TIMEOUT_SECONDS = 20

    with base.http_client() as client:
        assert (client.timeout.read, client.timeout.connect) == (20, CONNECT_TIMEOUT_SECONDS)


def test_require_enabled_raises_the_given_unavailable_type(settings) -> None:
    class ServiceDown(base.ProviderUnavailable):
        pass

    settings.METADATA_PROVIDERS_ENABLED = False

    with pytest.raises(ServiceDown, match="metadata providers are switched off"):
        base.require_enabled(ServiceDown)


def test_require_enabled_passes_when_switched_on(settings) -> None:
    settings.METADATA_PROVIDERS_ENABLED = True

    base.require_enabled()


def test_error_hierarchy_lets_callers_catch_by_outcome() -> None:
    assert issubclass(base.ProviderUnavailable, base.ProviderError)
    assert issubclass(base.NotFound, base.ProviderError)
    assert not issubclass(base.NotFound, base.ProviderUnavailable)


@pytest.mark.parametrize(("status", "transient"), [(429, True), (503, True), (404, False)])
def test_is_transient_status(status: int, transient: bool) -> None:
    assert base.is_transient_status(status) is transient


def test_rate_limiter_spaces_calls_across_threads() -> None:
    limiter = base.RateLimiter()
    stamps: list[float] = []

    def call() -> None:
        limiter.wait(0.1)
        stamps.append(time.monotonic())

    threads = [threading.Thread(target=call) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    stamps.sort()
    assert stamps[2] - stamps[0] >= 0.19


def test_rate_limiter_with_no_interval_never_waits() -> None:
    limiter = base.RateLimiter()
    started = time.monotonic()

    for _ in range(100):
        limiter.wait(0)

    assert time.monotonic() - started < 0.05
