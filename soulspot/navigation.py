"""The main navigation, as a context processor; a page appears here once it exists."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

NAV = [
    ("Dashboard", "dashboard"),
    ("Downloads", "downloads:list"),
    ("Search", "downloads:search"),
    ("Library", "library:tracks"),
]


def nav_items(request: HttpRequest) -> dict:
    items = []
    for label, name in NAV:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # that app's pages are not built yet
        active = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"label": label, "url": url, "active": active})
    return {"nav_items": items}
