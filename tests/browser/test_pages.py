"""Every top-level page in the browser: no console error, no failed request, and no sideways
scrolling on a phone."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, reverse

from downloads import urls as downloads_urls
from library import urls as library_urls
from library.models import Track
from soulspot.navigation import NAV_GROUPS
from tests.browser.support import Watch
from tests.factories import (
    AlbumCompletenessFactory,
    AlbumFactory,
    CandidateFactory,
    DownloadJobFactory,
    DuplicateGroupFactory,
    LibraryScanFactory,
    TrackFactory,
    TrackFileFactory,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def top_level_pages(client: Client) -> list[str]:
    """The navigation's pages, then every page of the library and downloads apps that takes
    no id (POST-only actions answer 405 to a GET and are no pages)."""
    paths = []
    links = (name for _group, entries in NAV_GROUPS for _label, name in entries)
    # The admin and the API docs are not app pages: the walk opens them on their own.
    for name in (n for n in links if not n.startswith(("admin:", "api:"))):
        try:
            paths.append(reverse(name))
        except NoReverseMatch:
            continue  # not built yet: the navigation leaves it out too
    for module in (downloads_urls, library_urls):
        for entry in module.urlpatterns:
            if isinstance(entry, URLPattern) and not entry.pattern.converters:
                paths.append(reverse(f"{module.app_name}:{entry.name}"))
    pages = list(dict.fromkeys(paths))
    return [path for path in pages if client.get(path).status_code != 405]


def some_of_everything() -> None:
    """A few rows of each kind, so the pages draw their tables, not only empty states."""
    album = AlbumFactory(title="Night Songs")
    for n in (1, 2):
        track = TrackFactory(title=f"Owned {n}", album=album, artist=album.artist)
        TrackFileFactory(track=track, quality="flac_16")
    TrackFactory(title="Still Wanted", monitored=True, status=Track.Status.WANTED)
    CandidateFactory(job=DownloadJobFactory(status="completed"), rank=1, score=91.5)
    DownloadJobFactory(status="failed", error="nobody shares it")
    LibraryScanFactory()
    DuplicateGroupFactory()
    AlbumCompletenessFactory(album=album)


def test_every_top_level_page_loads_without_a_browser_error(
    signed_in: Watch, logged_in_client: Client
) -> None:
    some_of_everything()
    pages = top_level_pages(logged_in_client)
    assert len(pages) >= 20, pages
    for path in pages:
        response = signed_in.visit(path)
        assert response is not None and response.ok, (path, response and response.status)
        assert signed_in.page.locator("main").is_visible(), path
    # What the top bar links to besides the navigation (their own layouts), and the audit log.
    for path in (reverse("admin:index"), "/api/docs", reverse("accounts:audit")):
        response = signed_in.visit(path)
        assert response is not None and response.ok, (path, response and response.status)
    signed_in.assert_clean()


# On main every page is 1,969 px wide at 390 px (the flat navigation bar): issue 15 item 4.
def test_no_top_level_page_scrolls_sideways_on_a_phone(
    phone: Watch, logged_in_client: Client
) -> None:
    some_of_everything()
    too_wide = {}
    for path in top_level_pages(logged_in_client):
        phone.visit(path)
        widths = phone.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            too_wide[path] = widths
    assert not too_wide, f"pages wider than the phone (scrollWidth, innerWidth): {too_wide}"
    phone.assert_clean()
