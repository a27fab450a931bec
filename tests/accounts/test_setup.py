from __future__ import annotations

import stat

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from accounts.middleware import FirstRunSetupMiddleware
from accounts.models import SetupClaim
from accounts.services import SetupClosed, create_first_account
from accounts.setup_token import ensure_setup_token

PASSPHRASE = "a-long-passphrase"


@pytest.fixture(autouse=True)
def _forget_setup_state() -> None:
    FirstRunSetupMiddleware._setup_done = False


def _setup_form(token: str, username: str = "me", password: str = PASSPHRASE) -> dict:
    return {
        "setup_token": token,
        "username": username,
        "password1": password,
        "password2": password,
    }


@pytest.mark.django_db
def test_without_any_account_every_page_leads_to_setup(client) -> None:
    for path in ("/", "/login/", "/system-status/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == "/setup/"


@pytest.mark.django_db
def test_the_token_is_kept_in_the_data_dir_readable_by_the_owner_only() -> None:
    token = ensure_setup_token()
    path = settings.SOULSPOT_SETUP_TOKEN_FILE
    assert token and len(token.replace("-", "")) == 20
    assert path.read_text().strip() == token
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ensure_setup_token() == token  # every process reports the same token


@pytest.mark.django_db
def test_the_setup_page_asks_for_the_token_without_showing_it(client) -> None:
    response = client.get("/setup/")
    token = settings.SOULSPOT_SETUP_TOKEN_FILE.read_text().strip()
    assert response.status_code == 200
    assert b'name="setup_token"' in response.content
    assert token.encode() not in response.content


@pytest.mark.django_db
def test_setup_with_the_token_creates_the_single_superuser_and_consumes_the_token(client) -> None:
    token = ensure_setup_token()
    response = client.post("/setup/", _setup_form(token.lower().replace("-", " ")))
    assert response.status_code == 302
    user = get_user_model().objects.get()
    assert user.username == "me" and user.is_superuser and user.is_staff
    assert SetupClaim.objects.get().username == "me"
    assert not settings.SOULSPOT_SETUP_TOKEN_FILE.exists()
    assert client.get("/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("given", ["", "ABCD-EFGH-JKMN-PQRS-TUVW", "x" * 64])
def test_a_wrong_or_missing_token_creates_nothing(client, given: str) -> None:
    token = ensure_setup_token()
    response = client.post("/setup/", _setup_form(given))
    assert response.status_code == 200
    assert b"setup token" in response.content
    assert not get_user_model().objects.exists() and not SetupClaim.objects.exists()
    assert settings.SOULSPOT_SETUP_TOKEN_FILE.read_text().strip() == token


@pytest.mark.django_db
def test_setup_refuses_a_weak_password_and_creates_nothing(client) -> None:
    token = ensure_setup_token()
    response = client.post("/setup/", _setup_form(token, password="123"))
    assert response.status_code == 200
    assert b"too short" in response.content
    assert not get_user_model().objects.exists()
    assert settings.SOULSPOT_SETUP_TOKEN_FILE.exists()


@pytest.mark.django_db
def test_setup_is_closed_once_an_account_exists(client, user) -> None:
    FirstRunSetupMiddleware._setup_done = False  # as in a process that has not looked yet
    response = client.post("/setup/", _setup_form("anything", username="intruder"))
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert get_user_model().objects.count() == 1
    assert ensure_setup_token() is None


@pytest.mark.django_db
def test_createsuperuser_also_ends_setup(client) -> None:
    ensure_setup_token()
    call_command("createsuperuser", username="cli", email="", interactive=False, verbosity=0)
    assert client.get("/")["Location"].startswith("/login/")
    assert ensure_setup_token() is None
    assert not settings.SOULSPOT_SETUP_TOKEN_FILE.exists()


@pytest.mark.django_db
def test_a_second_claim_is_refused_by_the_database_even_without_any_user() -> None:
    # The claim row outlives a deleted account: setup stays closed (createsuperuser recovers).
    SetupClaim.objects.create(username="first")
    second = get_user_model()(username="second")
    second.set_password(PASSPHRASE)
    with pytest.raises(SetupClosed):
        create_first_account(second)
    assert not get_user_model().objects.exists()
    assert SetupClaim.objects.get().username == "first"
