"""Wrong API keys are throttled like wrong passwords: per address, then 429 for every key."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client

PROTECTED = "/api/downloads"


def _get(key: str, ip: str = "10.1.0.1"):
    return Client(headers={"X-API-Key": key}).get(PROTECTED, REMOTE_ADDR=ip)


def _post(key: str, ip: str = "10.1.0.1"):
    return Client(headers={"X-API-Key": key}).post(
        "/api/downloads/pause", content_type="application/json", REMOTE_ADDR=ip
    )


@pytest.mark.django_db
def test_after_five_wrong_keys_even_the_right_key_gets_429_json(api_key) -> None:
    for _ in range(4):
        assert _get("ss_wrong").status_code == 401
    assert _post("ss_wrong").status_code == 429
    response = _get(api_key)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.json()["detail"]
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    assert _post(api_key).status_code == 429


@pytest.mark.django_db
def test_250_wrong_keys_then_the_right_one_is_refused(api_key) -> None:
    for _ in range(250):
        assert _get("ss_guess").status_code in (401, 429)
    assert _get(api_key).status_code == 429


@pytest.mark.django_db
def test_another_address_keeps_working(api_key) -> None:
    for _ in range(5):
        _get("ss_wrong", ip="10.1.0.2")
    assert _get(api_key, ip="10.1.0.2").status_code == 429
    assert _get(api_key, ip="10.1.0.3").status_code == 200


@pytest.mark.django_db
def test_the_api_lockout_ends_after_the_configured_minutes(api_key) -> None:
    for _ in range(5):
        _get("ss_wrong")
    assert _get(api_key).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=15, seconds=1)
    )
    assert _get(api_key).status_code == 200


@pytest.mark.django_db
def test_the_environment_key_is_throttled_too(settings) -> None:
    settings.SOULSPOT_API_KEY = "env-secret-key-123"
    for _ in range(5):
        _get("env-secret-key-12")
    assert _get("env-secret-key-123").status_code == 429


@pytest.mark.django_db
def test_right_keys_do_not_count_as_failures(api_key) -> None:
    for _ in range(20):
        assert _get(api_key).status_code == 200
    assert not AccessAttempt.objects.exists()
