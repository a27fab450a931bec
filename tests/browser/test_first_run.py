"""First run and signing in, as a newcomer does it: in the browser, with the setup token."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from accounts.middleware import FirstRunSetupMiddleware
from tests.browser.support import Watch

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]
PASSPHRASE = "a-long-passphrase-for-the-browser"


@pytest.fixture(autouse=True)
def _fresh_instance() -> None:
    # The middleware remembers "setup done" per process; the live server shares this one.
    FirstRunSetupMiddleware._setup_done = False


def fill_setup(watch: Watch, token: str) -> None:
    page = watch.page
    page.get_by_label("Setup token").fill(token)
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password:", exact=True).fill(PASSPHRASE)
    page.get_by_label("Password confirmation").fill(PASSPHRASE)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_load_state("networkidle")


def test_a_wrong_token_is_refused_and_the_right_one_creates_the_account(
    anonymous: Watch,
) -> None:
    anonymous.visit("/downloads/")
    assert anonymous.path() == "/setup/"
    token = settings.SOULSPOT_SETUP_TOKEN_FILE.read_text().strip()

    fill_setup(anonymous, "AAAA-BBBB-CCCC-DDDD-EEEE")
    assert "That is not the setup token" in anonymous.page.content()
    assert not get_user_model().objects.exists()

    fill_setup(anonymous, token.lower())  # typed from a console: case does not matter
    assert anonymous.path() == "/"
    assert anonymous.page.get_by_role("button", name="Log out owner").is_visible()
    assert get_user_model().objects.get().is_superuser
    assert not settings.SOULSPOT_SETUP_TOKEN_FILE.exists()  # used up
    anonymous.visit("/setup/")
    assert anonymous.path() == "/login/"  # setup is closed for good
    anonymous.assert_clean()


def test_signing_in_returns_to_the_page_asked_for_and_signing_out_ends_it(
    anonymous: Watch, user
) -> None:
    page = anonymous.page
    anonymous.visit("/downloads/wanted/")
    assert anonymous.path() == "/login/?next=/downloads/wanted/"

    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")
    assert anonymous.path() == "/downloads/wanted/"
    assert page.get_by_role("heading", name="Wanted").is_visible()

    page.get_by_role("button", name="Log out owner").click()
    page.wait_for_load_state("networkidle")
    assert anonymous.path() == "/login/"
    anonymous.visit("/downloads/")
    assert anonymous.path() == "/login/?next=/downloads/"
    anonymous.assert_clean()


def test_a_wrong_password_says_so_and_signs_nobody_in(anonymous: Watch, user) -> None:
    page = anonymous.page
    anonymous.visit("/login/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")
    assert anonymous.path() == "/login/"
    assert "correct username and password" in page.content()
    anonymous.visit("/")
    assert anonymous.path() == "/login/?next=/"
    anonymous.assert_clean()
