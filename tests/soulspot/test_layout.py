"""The site-wide layout: grouped navigation, the phone menu, the favicon, the stylesheet rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from soulspot import navigation

pytestmark = pytest.mark.django_db

CSS = Path(settings.BASE_DIR, "static", "css", "soulspot.css")


def _groups(html: str, css_class: str) -> dict[str, list[str]]:
    """Group title -> link labels, read from one of the two navigation blocks."""
    start = html.index('aria-label="Main"', html.index(f'class="{css_class}"'))
    block = html[start : html.index("</nav>", start)]
    titles = re.findall(r"<(?:summary|h2)>([^<]+)</(?:summary|h2)>", block)
    parts = re.split(r"<(?:summary|h2)>[^<]+</(?:summary|h2)>", block)[1:]
    return {
        t: re.findall(r'<a href="[^"]+"[^>]*>([^<]+)</a>', p)
        for t, p in zip(titles, parts, strict=True)
    }


def test_the_navigation_is_grouped_as_activity_wanted_library_sources_settings_system(
    logged_in_client: Client,
) -> None:
    html = logged_in_client.get("/").content.decode()
    groups = _groups(html, "nav-wide")
    assert list(groups) == ["Activity", "Wanted", "Library", "Sources", "Settings", "System"]
    assert groups["Activity"] == ["Dashboard", "Downloads", "History"]
    assert groups["Wanted"][:4] == ["Wanted", "Search", "MusicBrainz", "Blocklist"]
    assert {"Lists", "Calendar"} <= set(groups["Wanted"])
    assert groups["Library"] == [
        "Library",
        "Playlists",
        "Duplicates",
        "Broken",
        "Incomplete",
        "Conflicts",
        "Scans",
    ]
    assert {"Spotify", "Imports"} <= set(groups["Sources"])
    assert {"Naming", "Rules", "Notifications"} <= set(groups["Settings"])
    assert {"Schedules", "Audit log", "Admin", "API docs"} <= set(groups["System"])


def test_the_phone_menu_holds_the_same_links_inside_a_details_element(
    logged_in_client: Client,
) -> None:
    html = logged_in_client.get("/").content.decode()
    assert '<details class="nav-narrow">' in html
    assert "<summary>Menu</summary>" in html
    assert _groups(html, "nav-narrow") == _groups(html, "nav-wide")


def test_the_current_page_and_its_group_are_marked(logged_in_client: Client) -> None:
    html = logged_in_client.get("/library/scans/").content.decode()
    current = re.findall(r'href="([^"]+)" aria-current="page"', html)
    assert current == ["/library/scans/", "/library/scans/"]  # once per navigation block
    assert '<details class="nav-group current" name="nav-group">\n    <summary>Library<' in html
    assert '<section class="nav-section current">\n      <h2>Library<' in html


def test_a_page_not_built_yet_is_left_out_and_an_empty_group_too(monkeypatch) -> None:
    # "settings", "system" and "library:profiles" are named before their pages exist.
    monkeypatch.setattr(
        navigation,
        "NAV_GROUPS",
        [
            ("Activity", [("Dashboard", "dashboard"), ("Ghost", "no-such-page")]),
            ("Future", [("Settings", "no-such-settings")]),
        ],
    )
    groups = navigation.nav_groups("/")
    assert [g["title"] for g in groups] == ["Activity"]
    assert groups[0]["items"] == [{"label": "Dashboard", "url": "/", "active": True}]
    assert groups[0]["active"] is True


def test_a_logged_out_visitor_sees_no_navigation(client: Client, user) -> None:
    html = client.get("/login/").content.decode()
    assert "nav-wide" not in html and "nav-narrow" not in html


def test_pages_link_the_svg_favicon(logged_in_client: Client) -> None:
    html = logged_in_client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    response = logged_in_client.get("/static/favicon.svg")
    assert response.status_code == 200
    assert b"<svg" in b"".join(response.streaming_content)


def test_favicon_ico_is_answered_without_a_login(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO header, not an HTML redirect


def test_on_a_phone_tables_stack_and_the_navigation_collapses() -> None:
    css = CSS.read_text()
    phone = css[css.index("@media (max-width: 600px)") :]
    assert "table, tbody, tfoot, tr, td, th { display: block" in phone
    assert "td[data-label]::before { content: attr(data-label)" in phone
    narrow = css[css.index("@media (max-width: 760px)") :]
    assert ".nav-wide { display: none; }" in narrow and ".nav-narrow { display: block; }" in narrow
