"""The admin looks like the app: dark, SoulSpot's colours and name, no light/dark toggle."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

ADMIN_CSS = Path(settings.BASE_DIR, "static", "css", "admin.css")
APP_CSS = Path(settings.BASE_DIR, "static", "css", "soulspot.css")


def test_the_admin_loads_the_soulspot_theme_and_branding(logged_in_client: Client) -> None:
    html = logged_in_client.get("/admin/").content.decode()
    assert '<link rel="stylesheet" href="/static/css/admin.css">' in html
    assert "admin/css/dark_mode.css" not in html and "admin/js/theme.js" not in html
    assert "theme-toggle" not in html
    assert re.search(r'id="site-name">.*SoulSpot', html, re.S)
    assert '<link rel="icon" href="/static/favicon.svg"' in html
    assert "<title>Site administration | SoulSpot admin</title>" in html


def test_the_admin_login_page_is_themed_too(client: Client, user) -> None:
    html = client.get("/admin/login/").content.decode()
    assert "/static/css/admin.css" in html and "SoulSpot" in html


def test_the_admin_colours_are_the_apps(logged_in_client: Client) -> None:
    app = dict(re.findall(r"--(\w+): (#[0-9a-f]{6})", APP_CSS.read_text()))
    admin_css = logged_in_client.get("/static/css/admin.css")
    admin = dict(
        re.findall(r"--([\w-]+): (#[0-9a-f]{6})", b"".join(admin_css.streaming_content).decode())
    )
    assert admin["body-bg"] == app["bg"]
    assert admin["body-fg"] == app["text"]
    assert admin["header-bg"] == app["panel"]
    assert admin["link-fg"] == admin["button-bg"] == app["accent"]
    assert admin["delete-button-bg"] == app["bad"]
    # Set for both stored theme choices, so an old "light" choice cannot bring light back.
    assert 'html[data-theme="light"]' in ADMIN_CSS.read_text()
