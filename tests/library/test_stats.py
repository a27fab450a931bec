"""Library figures: the stats endpoint and the dashboard tiles."""

from __future__ import annotations

import pytest

from library import services
from library.models import Track
from tests.factories import (
    AlbumCompletenessFactory,
    AlbumFactory,
    DuplicateGroupFactory,
    LibraryScanFactory,
    TrackFactory,
    TrackFileFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def library() -> None:
    album = AlbumFactory()
    for n, (fmt, quality, size) in enumerate(
        [("flac", "flac_24", 3000), ("flac", "flac", 2000), ("mp3", "mp3_320", 500)]
    ):
        track = TrackFactory(album=album, artist=album.artist, status=Track.Status.OWNED)
        TrackFileFactory(track=track, format=fmt, quality=quality, size=size, path=f"/m/{n}")
    TrackFileFactory(is_broken=True, format="other", quality="", size=10)
    TrackFileFactory(is_missing=True, size=99_999)
    TrackFactory(status=Track.Status.WANTED)
    DuplicateGroupFactory(files=2)
    AlbumCompletenessFactory()
    LibraryScanFactory(files_total=7)


def test_the_stats_count_what_the_library_holds(library) -> None:
    stats = services.library_stats()

    assert stats["tracks"] == 5  # tracks with a healthy, present file (3 + 2 duplicates)
    assert (stats["tracks_wanted"], stats["files"], stats["broken"], stats["missing"]) == (
        1,
        6,
        1,
        1,
    )
    assert stats["total_size"] == 3000 + 2000 + 500 + 10 + 2 * 1000  # missing files not counted
    assert stats["formats"] == {"flac": 4, "mp3": 1, "other": 1}
    assert stats["qualities"]["flac_24"] == 1 and stats["qualities"]["mp3_320"] == 1
    assert (stats["duplicate_groups"], stats["duplicate_files"], stats["incomplete_albums"]) == (
        1,
        2,
        1,
    )
    assert stats["last_scan"]["files_total"] == 7


def test_the_stats_endpoint_answers_in_a_fixed_number_of_queries(
    api_client, library, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(16):
        body = api_client.get("/api/library/stats").json()

    assert body["broken"] == 1 and body["duplicate_groups"] == 1 and body["artists"] >= 1


def test_the_dashboard_shows_library_tiles(logged_in_client, library) -> None:
    page = logged_in_client.get("/").content.decode()

    assert "Library size" in page and "Duplicate groups" in page and "Incomplete albums" in page
    assert 'href="/library/duplicates/"' in page
