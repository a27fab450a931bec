from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Pages reachable without an account: the login/setup forms themselves, the API (own auth) and
# Spotify's OAuth callback (its one-time state authenticates it), /metrics (API key or token).
PUBLIC_PREFIXES = (
    "login/",
    "setup/",
    "logout/",
    "api/",
    "admin/",
    "static/",
    "spotify/callback",
    "metrics",
)


def _page_paths(patterns: list, prefix: str = "") -> list[str]:
    """Every concrete (parameter-free) URL of our own pages."""
    paths = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            paths += _page_paths(entry.url_patterns, route)
        elif (
            isinstance(entry, URLPattern)
            and "<" not in route
            and not route.startswith(PUBLIC_PREFIXES)
        ):
            paths.append("/" + route.lstrip("^").rstrip("$"))
    return paths


@pytest.mark.django_db
def test_every_page_redirects_to_login_when_logged_out(client, user) -> None:
    paths = _page_paths(get_resolver().url_patterns)
    assert "/" in paths
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/login/"), path


@pytest.mark.django_db
def test_the_dashboard_opens_once_logged_in(logged_in_client) -> None:
    response = logged_in_client.get("/")
    assert response.status_code == 200
    assert b"Dashboard" in response.content


@pytest.mark.django_db
def test_login_with_the_right_password_reaches_the_dashboard(client, user) -> None:
    response = client.post("/login/", {"username": "owner", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_login_with_a_wrong_password_is_refused(client, user) -> None:
    response = client.post("/login/", {"username": "owner", "password": "nope"})
    assert response.status_code == 200
    assert client.get("/").status_code == 302
