"""The catalogue and scan endpoints of /api/library: filters, pages, details, query counts."""

from __future__ import annotations

import pytest
from django.test import Client

from library import services
from library.models import LibraryScan, Track
from tests.factories import (
    AlbumFactory,
    ArtistFactory,
    DuplicateGroupFactory,
    LibraryScanFactory,
    ScanProblemFactory,
    TrackFactory,
    TrackFileFactory,
)
from tests.library.support import music_root, song

pytestmark = pytest.mark.django_db


def titles(response: object) -> list[str]:
    return sorted(item["title"] for item in response.json()["items"])


def test_the_library_api_needs_a_key() -> None:
    assert Client().get("/api/library/tracks").status_code == 401
    assert (
        Client().post("/api/library/scans", {}, content_type="application/json").status_code == 401
    )


@pytest.fixture
def tracks() -> dict[str, Track]:
    album = AlbumFactory(title="Night Drive", artist=ArtistFactory(name="Neon Harbor"))
    made = {
        "flac": TrackFactory(title="Intro", album=album, artist=album.artist),
        "mp3": TrackFactory(title="Afterglow", album=album, artist=album.artist),
        "broken": TrackFactory(title="Cut Short"),
        "missing": TrackFactory(title="Gone", status=Track.Status.WANTED),
        "dup": TrackFactory(title="Twice"),
    }
    TrackFileFactory(track=made["flac"], format="flac", quality="flac")
    TrackFileFactory(track=made["mp3"], format="mp3", quality="mp3_320")
    TrackFileFactory(track=made["broken"], format="mp3", is_broken=True)
    TrackFileFactory(track=made["missing"], is_missing=True)
    group = DuplicateGroupFactory(files=0)
    TrackFileFactory.create_batch(2, track=made["dup"], duplicate_group=group)
    return made


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Afterglow", "Cut Short", "Gone", "Intro", "Twice"]),
        ("q=neon", ["Afterglow", "Intro"]),
        ("q=night drive", ["Afterglow", "Intro"]),
        ("q=glow", ["Afterglow"]),
        ("format=mp3", ["Afterglow", "Cut Short"]),
        ("quality=mp3_320", ["Afterglow"]),
        ("broken=true", ["Cut Short"]),
        ("missing=true", ["Gone"]),
        ("duplicate=true", ["Twice"]),
        ("duplicate=false&format=flac", ["Gone", "Intro"]),
        ("status=wanted", ["Gone"]),
    ],
)
def test_tracks_can_be_searched_and_filtered(
    api_client: Client, tracks: dict, query: str, expected: list[str]
) -> None:
    assert titles(api_client.get(f"/api/library/tracks?{query}")) == expected


def test_tracks_come_in_pages_with_a_total(api_client: Client, tracks: dict) -> None:
    body = api_client.get("/api/library/tracks?limit=2&offset=1").json()
    assert body["count"] == 5 and len(body["items"]) == 2


@pytest.mark.parametrize(
    "url",
    [
        "/api/library/tracks?artist_id=9223372036854775808",
        "/api/library/tracks?album_id=-1",
        "/api/library/albums?artist_id=9223372036854775808",
        "/api/library/tracks?offset=9223372036854775808",
    ],
)
def test_out_of_range_numbers_are_refused_with_422(api_client: Client, url: str) -> None:
    response = api_client.get(url)

    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] in ("less_than_equal", "greater_than_equal")


def test_a_track_comes_with_its_artist_album_and_files(api_client: Client, tracks: dict) -> None:
    track = tracks["flac"]

    body = api_client.get(f"/api/library/tracks/{track.pk}").json()

    assert (body["title"], body["artist"]["name"], body["album"]["title"]) == (
        "Intro",
        "Neon Harbor",
        "Night Drive",
    )
    assert [f["format"] for f in body["files"]] == ["flac"]
    assert api_client.get("/api/library/tracks/999999").status_code == 404


def test_albums_and_artists_carry_their_counts(api_client: Client, tracks: dict) -> None:
    album = tracks["flac"].album
    albums = api_client.get("/api/library/albums?q=night").json()
    artists = api_client.get("/api/library/artists?q=neon").json()

    assert albums["count"] == 1 and albums["items"][0]["tracks_known"] == 2
    assert artists["items"][0] | {"id": 0} == {
        "id": 0,
        "name": "Neon Harbor",
        "sort_name": "",
        "musicbrainz_id": "",
        "spotify_id": "",
        "genres": [],
        "albums_known": 1,
        "tracks_known": 2,
        "monitored": False,
    }
    detail = api_client.get(f"/api/library/albums/{album.pk}").json()
    assert sorted(t["title"] for t in detail["tracks"]) == ["Afterglow", "Intro"]
    assert detail["completeness"] is None
    artist = api_client.get(f"/api/library/artists/{album.artist_id}").json()
    assert [a["title"] for a in artist["albums"]] == ["Night Drive"]
    assert api_client.get("/api/library/albums/999999").status_code == 404
    assert api_client.get("/api/library/artists/999999").status_code == 404


def test_a_scan_reports_its_progress_and_figures(api_client: Client) -> None:
    song(music_root(), "A", "B", 1, "Song")
    scan = services.start_scan(background=False)
    services.run_scan(scan.pk)

    body = api_client.get(f"/api/library/scans/{scan.pk}").json()

    expected = {
        "status": "completed",
        "phase": "done",
        "files_total": 1,
        "files_seen": 1,
        "files_new": 1,
        "files_changed": 0,
        "files_removed": 0,
        "files_broken": 0,
        "problem_count": 0,
        "broken_total": 0,
        "duplicate_groups": 0,
        "percent": 100.0,
    }
    assert {key: body[key] for key in expected} == expected
    assert body["duration_seconds"] is not None and body["finished_at"]
    assert api_client.get("/api/library/scans/999999").status_code == 404


def test_a_running_scan_can_be_cancelled_through_the_api(api_client: Client) -> None:
    scan = services.start_scan(background=False)

    response = api_client.post(f"/api/library/scans/{scan.pk}/cancel")

    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert api_client.post(f"/api/library/scans/{scan.pk}/cancel").status_code == 409


def test_a_scan_of_a_folder_outside_the_music_folder_is_a_bad_request(api_client: Client) -> None:
    response = api_client.post(
        "/api/library/scans", {"path": "/etc"}, content_type="application/json"
    )
    assert (
        response.status_code == 400 and "not inside the music folder" in response.json()["detail"]
    )
    assert not LibraryScan.objects.exists()


def _make(kind: str, count: int) -> None:
    if kind == "tracks":
        for _ in range(count):
            TrackFileFactory.create_batch(2, track=TrackFactory(album=AlbumFactory()))
    elif kind == "albums":
        for album in AlbumFactory.create_batch(count):
            TrackFactory.create_batch(2, album=album, artist=album.artist)
    elif kind == "artists":
        for artist in ArtistFactory.create_batch(count):
            AlbumFactory(artist=artist)
    elif kind == "scans":
        LibraryScanFactory.create_batch(count)
    elif kind == "problems":
        ScanProblemFactory.create_batch(count, scan=_scan())


def _scan() -> LibraryScan:
    return LibraryScan.objects.first() or LibraryScanFactory()


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("tracks", "/api/library/tracks?broken=false&q=o"),
        ("albums", "/api/library/albums"),
        ("artists", "/api/library/artists"),
        ("scans", "/api/library/scans"),
        ("problems", "/api/library/scans/{scan}/problems"),
    ],
)
def test_list_endpoints_use_the_same_queries_for_5_or_50_rows(
    api_client: Client, django_assert_max_num_queries, kind: str, url: str
) -> None:
    _make(kind, 5)
    url = url.format(scan=_scan().pk)
    with django_assert_max_num_queries(8) as small:
        assert len(api_client.get(url).json()["items"]) >= 5
    _make(kind, 45)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(api_client.get(url).json()["items"]) >= 50
