"""The main navigation, as a context processor; a page appears here once it exists."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

NAV = [
    ("Dashboard", "dashboard"),
    ("Downloads", "downloads:list"),
    ("Wanted", "downloads:wanted"),
    ("Search", "downloads:search"),
    ("MusicBrainz", "downloads:musicbrainz"),
    ("Blocklist", "downloads:blocklist"),
    ("Library", "library:tracks"),
    ("Scans", "library:scans"),
    ("Duplicates", "library:duplicates"),
    ("Broken", "library:broken"),
    ("Incomplete", "library:incomplete"),
    ("Conflicts", "library:conflicts"),
    ("Playlists", "library:playlists"),
    ("History", "library:history"),
    ("Imports", "metadata:imports"),
    ("Lists", "lists:index"),
    ("Naming", "library:naming"),
    ("Spotify", "spotify:index"),
    ("Notifications", "notifications:index"),
    ("Calendar", "calendar:index"),
    ("Schedules", "system-schedules"),
]


def nav_items(request: HttpRequest) -> dict:
    items = []
    for label, name in NAV:
        try:
            items.append({"label": label, "url": reverse(name), "active": False})
        except NoReverseMatch:
            continue  # that app's pages are not built yet
    # The longest link that prefixes the path is the current page ("/library/scans/" is Scans).
    matching = [
        i
        for i in items
        if request.path == i["url"] or (i["url"] != "/" and request.path.startswith(i["url"]))
    ]
    if matching:
        max(matching, key=lambda i: len(i["url"]))["active"] = True
    return {"nav_items": items}
