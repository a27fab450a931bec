"""404, 403, 400 and 500 answer with SoulSpot's own pages (DEBUG off), navigation included."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production_errors(settings) -> None:
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.soulspot.error_urls"


def _styled(html: str) -> bool:
    return '<link rel="stylesheet" href="/static/css/soulspot.css">' in html


def test_an_unknown_page_is_a_styled_404_with_the_navigation(logged_in_client: Client) -> None:
    response = logged_in_client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert _styled(html)
    assert "Page not found" in html and "/no-such-page/" in html
    assert '<nav class="nav-wide" aria-label="Main">' in html
    assert 'href="/downloads/wanted/"' in html


def test_a_stranger_gets_the_404_without_navigation_and_a_way_to_log_in(client, user) -> None:
    html = client.get("/no-such-page/").content.decode()
    assert _styled(html) and "Page not found" in html
    assert "nav-wide" not in html
    assert 'href="/login/"' in html


def test_a_refused_action_is_a_styled_403_naming_the_reason(logged_in_client: Client) -> None:
    response = logged_in_client.get("/test-errors/forbidden/")
    html = response.content.decode()
    assert response.status_code == 403
    assert _styled(html) and "Not allowed" in html
    assert "Only the owner may do this." in html
    assert '<nav class="nav-wide" aria-label="Main">' in html


def test_a_bug_is_a_styled_500_with_the_navigation(logged_in_client: Client) -> None:
    logged_in_client.raise_request_exception = False
    response = logged_in_client.get("/test-errors/broken/")
    html = response.content.decode()
    assert response.status_code == 500
    assert _styled(html)
    assert "Something went wrong on SoulSpot" in html
    assert '<nav class="nav-wide" aria-label="Main">' in html
    assert 'href="/library/"' in html
    assert "a bug" not in html  # the traceback stays in the log


def test_the_500_page_renders_without_a_database_or_a_request_context() -> None:
    request = RequestFactory().get("/anything/")
    with CaptureQueriesContext(connection) as queries:
        response = server_error(request)
    assert response.status_code == 500
    assert len(queries) == 0
    html = response.content.decode()
    assert _styled(html) and 'href="/downloads/"' in html
    assert "Log out" not in html  # nobody is known to be logged in


def test_a_bad_request_is_a_styled_400(logged_in_client: Client) -> None:
    response = logged_in_client.get("/test-errors/suspicious/")
    html = response.content.decode()
    assert response.status_code == 400
    assert _styled(html) and "could not understand this request" in html


def test_a_form_without_its_csrf_token_is_a_styled_403_saying_what_to_do(user) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/downloads/new/", {"artist": "Nina Simone"})
    html = response.content.decode()
    assert response.status_code == 403
    assert _styled(html)
    assert "This form expired" in html and "reload the page" in html
    assert 'href="/downloads/wanted/"' in html
