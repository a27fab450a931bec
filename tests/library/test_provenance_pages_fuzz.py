"""Hostile numbers and text on every metadata page, with ids of rows that exist (the generic
page walk cannot name a conflict), answer 2xx/3xx/4xx, never 5xx."""

from __future__ import annotations

import pytest
from django.test import Client

from library.provenance.fields import SPECS
from tests.factories import TrackFileFactory
from tests.library.provenance_pages_support import conflicted_track
from tests.soulspot.test_page_fuzz import HOSTILE

pytestmark = pytest.mark.django_db
NAMES = sorted(
    {name for fields in SPECS.values() for name in fields}
    | {"source", "value", "keep", "field", "apply_to_album", "album", "page", "next"}
)


def _urls() -> list[str]:
    """Fresh rows each time: an earlier hostile post may have settled the conflict."""
    track, conflict = conflicted_track()
    TrackFileFactory(track=track)
    return [
        f"/library/tracks/{track.pk}/",
        f"/library/tracks/{track.pk}/edit/",
        f"/library/tracks/{track.pk}/clear-manual/",
        f"/library/albums/{track.album_id}/",
        f"/library/albums/{track.album_id}/edit/",
        f"/library/albums/{track.album_id}/clear-manual/",
        f"/library/artists/{track.artist_id}/edit/",
        f"/library/artists/{track.artist_id}/clear-manual/",
        "/library/conflicts/",
        f"/library/conflicts/{conflict.pk}/resolve/",
    ]


def test_no_metadata_page_answers_5xx(logged_in_client: Client) -> None:
    logged_in_client.raise_request_exception = False
    failures = []
    for value in HOSTILE:
        params = dict.fromkeys(NAMES, value)
        for method in ("get", "post"):
            for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
                for url in _urls():
                    response = getattr(logged_in_client, method)(url, params, **headers)
                    if response.status_code >= 500:
                        failures.append(f"{method.upper()} {url} {value[:20]!r} {headers}")
    assert not failures, "\n".join(failures)
