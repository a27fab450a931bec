from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from accounts.middleware import FirstRunSetupMiddleware


@pytest.fixture(autouse=True)
def _forget_setup_state() -> None:
    FirstRunSetupMiddleware._setup_done = False


@pytest.mark.django_db
def test_without_any_account_every_page_leads_to_setup(client) -> None:
    for path in ("/", "/login/", "/system-status/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == "/setup/"


@pytest.mark.django_db
def test_setup_creates_the_single_superuser_and_logs_in(client) -> None:
    response = client.post(
        "/setup/",
        {"username": "me", "password1": "a-long-passphrase", "password2": "a-long-passphrase"},
    )
    assert response.status_code == 302
    user = get_user_model().objects.get()
    assert user.username == "me" and user.is_superuser and user.is_staff
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_setup_refuses_a_weak_password_and_creates_nothing(client) -> None:
    response = client.post("/setup/", {"username": "me", "password1": "123", "password2": "123"})
    assert response.status_code == 200
    assert b"too short" in response.content
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_setup_is_closed_once_an_account_exists(client, user) -> None:
    response = client.post(
        "/setup/",
        {
            "username": "intruder",
            "password1": "a-long-passphrase",
            "password2": "a-long-passphrase",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert get_user_model().objects.count() == 1


@pytest.mark.django_db
def test_createsuperuser_also_ends_setup(client) -> None:
    from django.core.management import call_command

    call_command("createsuperuser", username="cli", email="", interactive=False, verbosity=0)
    assert client.get("/")["Location"].startswith("/login/")
