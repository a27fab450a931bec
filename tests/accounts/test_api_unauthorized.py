"""Finding 7 of issue 10: writes without valid credentials got 403 "CSRF check Failed".

Every operation in the OpenAPI schema that declares security answers 401 JSON to every method
when the caller has no credentials or a wrong key; CSRF is only for session-authenticated calls.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from soulspot.api import api

UNAUTHORIZED = {"detail": "Unauthorized"}


def _secured_operations() -> list[tuple[str, str]]:
    operations = []
    for path, methods in api.get_openapi_schema()["paths"].items():
        concrete = re.sub(r"\\{[^}]+\\}", "1", path)
        for method, operation in methods.items():
            if operation.get("security"):
                operations.append((method, concrete))
    return operations


def _call(client: Client, method: str, path: str):
    return getattr(client, method)(path, data={}, content_type="application/json")


def test_the_walk_covers_every_write_method() -> None:
    methods = {method for method, _ in _secured_operations()}
    assert {"get", "post", "delete"} <= methods
    assert len(_secured_operations()) >= 20


@pytest.mark.django_db
def test_every_secured_operation_answers_401_json_without_credentials(user) -> None:
    client = Client(enforce_csrf_checks=True)
    for method, path in _secured_operations():
        response = _call(client, method, path)
        assert (response.status_code, response.json()) == (401, UNAUTHORIZED), (method, path)


@pytest.mark.django_db
def test_every_secured_operation_answers_401_json_to_a_wrong_key(user, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 10_000  # this test is about the answer, not the lockout
    client = Client(enforce_csrf_checks=True, headers={"X-API-Key": "ss_wrong"})
    for method, path in _secured_operations():
        response = _call(client, method, path)
        assert (response.status_code, response.json()) == (401, UNAUTHORIZED), (method, path)


@pytest.mark.django_db
def test_every_write_with_a_session_but_no_csrf_token_is_403_naming_csrf(user) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    writes = [(m, p) for m, p in _secured_operations() if m != "get"]
    assert {m for m, _ in writes} == {"post", "put", "patch", "delete"}
    for method, path in writes:
        response = _call(browser, method, path)
        assert response.status_code == 403, (method, path)
        assert "CSRF" in response.json()["detail"], (method, path)


@pytest.mark.django_db
def test_a_session_write_with_the_csrf_token_is_carried_out(user) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    browser.get("/")  # sets the csrftoken cookie
    token = browser.cookies["csrftoken"].value
    response = browser.patch(
        "/api/downloads/settings",
        data={"paused": True},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200, response.content


@pytest.mark.django_db
def test_a_key_needs_no_csrf_token_for_writes(api_key) -> None:
    client = Client(enforce_csrf_checks=True, headers={"X-API-Key": api_key})
    response = _call(client, "post", "/api/downloads/pause")
    assert response.status_code == 200
