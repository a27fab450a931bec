"""Template helpers for the site-wide layout: navigation without a request, human words."""

from __future__ import annotations

from django import template

from soulspot.navigation import nav_groups

register = template.Library()


@register.simple_tag
def request_free_nav() -> list[dict]:
    """The navigation for pages Django renders without a request (500, 400, CSRF failure).

    It only reverses URL names: a 500 may come from a broken database, so nothing here queries.
    """
    return nav_groups(None)


@register.filter
def human(value: object) -> str:
    """An internal code in words: "not_configured" -> "not configured", "" -> "—"."""
    text = str(value or "").replace("_", " ").strip()
    return text or "—"
