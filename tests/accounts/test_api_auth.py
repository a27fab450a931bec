from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import ApiKey
from soulspot.api import api

PROTECTED = "/api/downloads"


def _protected_get_paths() -> list[str]:
    """Every parameter-free GET operation in the OpenAPI schema that declares security."""
    schema = api.get_openapi_schema()
    paths = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get and get.get("security") and "{" not in path:
            paths.append(path)
    return paths


@pytest.mark.django_db
def test_every_protected_endpoint_answers_401_json_without_credentials(client) -> None:
    paths = _protected_get_paths()
    assert PROTECTED in paths
    for path in paths:
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.json() == {"detail": "Unauthorized"}


@pytest.mark.django_db
def test_an_admin_created_key_is_accepted_and_its_use_recorded(api_client, api_key) -> None:
    assert api_client.get(PROTECTED).status_code == 200
    assert ApiKey.objects.get().last_used_at is not None


@pytest.mark.django_db
def test_a_revoked_or_unknown_key_is_refused(api_key) -> None:
    ApiKey.objects.update(revoked=True)
    assert Client(headers={"X-API-Key": api_key}).get(PROTECTED).status_code == 401
    assert Client(headers={"X-API-Key": "ss_made_up"}).get(PROTECTED).status_code == 401


@pytest.mark.django_db
def test_the_environment_key_is_accepted(settings, client) -> None:
    settings.SOULSPOT_API_KEY = "env-secret-key-123"
    assert Client(headers={"X-API-Key": "env-secret-key-123"}).get(PROTECTED).status_code == 200
    assert Client(headers={"X-API-Key": "env-secret-key-12"}).get(PROTECTED).status_code == 401


@pytest.mark.django_db
def test_keys_are_stored_hashed() -> None:
    key, raw = ApiKey.generate("x")
    assert raw not in key.hashed_key and key.prefix == raw[:8]
    assert ApiKey.objects.matching(raw).get() == key


@pytest.mark.django_db
def test_the_browser_session_works_for_reads_and_needs_csrf_for_writes(user) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.get(PROTECTED).status_code == 200
    # A write without the CSRF token is refused even though the session is valid.
    response = browser.post("/api/downloads/pause", content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    browser.get("/")  # sets the csrftoken cookie
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        "/api/downloads/pause", content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_creating_a_key_in_the_admin_shows_it_once(logged_in_client) -> None:
    response = logged_in_client.post("/admin/accounts/apikey/add/", {"name": "phone"}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "copy it now" in text
    raw = text.split("New API key for “phone”: ")[1].split(" ")[0]
    assert Client(headers={"X-API-Key": raw}).get(PROTECTED).status_code == 200
