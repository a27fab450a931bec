"""The main navigation, grouped as an *arr user expects; a page appears here once it exists.

The groups are plain data so the error pages can draw them without a request or a database
(`nav_groups(None)` only reverses URL names).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

# (group, [(label, URL name)]). Names that do not reverse are pages not built yet: skipped.
NAV_GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Activity",
        [
            ("Dashboard", "dashboard"),
            ("Downloads", "downloads:list"),
            ("History", "library:history"),
        ],
    ),
    (
        "Wanted",
        [
            ("Wanted", "downloads:wanted"),
            ("Search", "downloads:search"),
            ("MusicBrainz", "downloads:musicbrainz"),
            ("Blocklist", "downloads:blocklist"),
            ("Lists", "lists:index"),
            ("Calendar", "calendar:index"),
        ],
    ),
    (
        "Library",
        [
            ("Library", "library:tracks"),
            ("Playlists", "library:playlists"),
            ("Duplicates", "library:duplicates"),
            ("Broken", "library:broken"),
            ("Incomplete", "library:incomplete"),
            ("Conflicts", "library:conflicts"),
            ("Scans", "library:scans"),
        ],
    ),
    (
        "Sources",
        [
            ("Spotify", "spotify:index"),
            ("Imports", "metadata:imports"),
            ("Watchlist", "artists:watchlist"),
        ],
    ),
    (
        "Settings",
        [
            ("Settings", "settings"),
            ("Quality profiles", "library:profiles"),
            ("Naming", "library:naming"),
            ("Rules", "downloads:rules"),
            ("Notifications", "notifications:index"),
        ],
    ),
    (
        "System",
        [
            ("System", "system"),
            ("Schedules", "system-schedules"),
            ("Audit log", "accounts:audit"),
            ("Admin", "admin:index"),
            ("API docs", "api:openapi-view"),
        ],
    ),
]


def nav_groups(path: str | None) -> list[dict]:
    """The groups with their reachable links; the link for `path` and its group are marked."""
    groups = []
    for title, entries in NAV_GROUPS:
        items = []
        for label, name in entries:
            try:
                items.append({"label": label, "url": reverse(name), "active": False})
            except NoReverseMatch:
                continue  # that page is not built yet
        if items:
            groups.append({"title": title, "items": items, "active": False})
    if path is not None:
        _mark_current(groups, path)
    return groups


def _mark_current(groups: list[dict], path: str) -> None:
    # The longest link that prefixes the path is the current page ("/library/scans/" is Scans).
    matching = [
        (group, item)
        for group in groups
        for item in group["items"]
        if path == item["url"] or (item["url"] != "/" and path.startswith(item["url"]))
    ]
    if matching:
        group, item = max(matching, key=lambda pair: len(pair[1]["url"]))
        item["active"] = group["active"] = True


def nav_items(request: HttpRequest) -> dict:
    """Context processor: `nav_groups` for the header, and the flat `nav_items` list."""
    groups = nav_groups(request.path)
    return {"nav_groups": groups, "nav_items": [i for g in groups for i in g["items"]]}
