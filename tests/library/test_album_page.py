"""The album page: tracks in disc/track order with files and qualities, completeness, the
cover (only from inside the music folder), in a constant number of queries."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from library.models import Track, TrackFile
from tests.factories import (
    AlbumCompletenessFactory,
    AlbumFactory,
    TrackFactory,
    TrackFileFactory,
)

pytestmark = pytest.mark.django_db
JPEG = b"\xff\xd8\xff\xe0fake jpeg\xff\xd9"


def _album_folder(name: str = "Album") -> Path:
    folder = Path(settings.MUSIC_DIR).resolve() / "Artist" / name
    folder.mkdir(parents=True)
    return folder


def _track(album: object, disc: int, number: int, folder: Path | None = None, **file: object):
    track = TrackFactory(
        artist=album.artist,
        album=album,
        disc_number=disc,
        track_number=number,
        title=f"Disc {disc} track {number}",
        status=Track.Status.OWNED,
    )
    if folder is not None:
        TrackFileFactory(track=track, path=str(folder / f"{disc}-{number:02}.flac"), **file)
    return track


def test_tracks_come_in_disc_and_track_order_with_their_files(logged_in_client: Client) -> None:
    album = AlbumFactory(title="Double")
    folder = _album_folder()
    for disc, number in [(2, 1), (1, 2), (1, 1), (2, 10), (2, 2)]:
        _track(album, disc, number, folder, bitrate=900, bit_depth=24, sample_rate=96000)

    response = logged_in_client.get(f"/library/albums/{album.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    order = ["1-1", "1-2", "2-1", "2-2", "2-10"]
    positions = [html.index(f"Disc {o[0]} track {o.split('-')[1]}<") for o in order]
    assert positions == sorted(positions)
    assert "FLAC 900 kbps · 24-bit · 96000 Hz" in html
    assert str(folder / "2-10.flac") in html
    assert f'href="/artists/{album.artist_id}/"' in html


def test_the_page_shows_completeness_and_the_missing_tracks(logged_in_client: Client) -> None:
    completeness = AlbumCompletenessFactory()

    html = logged_in_client.get(f"/library/albums/{completeness.album_id}/").content.decode()

    assert "1 of 3 tracks owned" in html
    assert "Track 2" in html and "Track 3" in html
    assert "width: 33%" in html
    assert f"/downloads/albums/{completeness.album_id}/want-missing/" in html


def test_an_album_without_a_cover_shows_a_placeholder(logged_in_client: Client) -> None:
    album = AlbumFactory()
    _track(album, 1, 1, _album_folder())

    html = logged_in_client.get(f"/library/albums/{album.pk}/").content.decode()

    assert 'aria-label="No cover"' in html
    assert logged_in_client.get(f"/library/albums/{album.pk}/cover.jpg").status_code == 404


def test_the_cover_beside_the_files_is_served(logged_in_client: Client) -> None:
    album = AlbumFactory()
    folder = _album_folder()
    (folder / "cover.jpg").write_bytes(JPEG)
    _track(album, 1, 1, folder)

    html = logged_in_client.get(f"/library/albums/{album.pk}/").content.decode()
    response = logged_in_client.get(f"/library/albums/{album.pk}/cover.jpg")

    assert f'src="/library/albums/{album.pk}/cover.jpg"' in html
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == JPEG


def test_a_cover_outside_the_music_folder_is_never_served(
    logged_in_client: Client, tmp_path: Path
) -> None:
    secret = tmp_path / "elsewhere"
    secret.mkdir()
    (secret / "cover.jpg").write_bytes(b"not yours")
    album = AlbumFactory()
    _track(album, 1, 1, secret)  # a database path outside the library
    linked = AlbumFactory()
    folder = _album_folder("Linked")
    (folder / "cover.jpg").symlink_to(secret / "cover.jpg")
    _track(linked, 1, 1, folder)

    for pk in (album.pk, linked.pk):
        assert logged_in_client.get(f"/library/albums/{pk}/cover.jpg").status_code == 404


def test_an_unknown_album_is_a_404(logged_in_client: Client) -> None:
    assert logged_in_client.get("/library/albums/999999/").status_code == 404


def test_the_page_needs_the_same_queries_for_more_tracks(logged_in_client: Client) -> None:
    album = AlbumFactory()
    AlbumCompletenessFactory(album=album)
    folder = _album_folder()
    _track(album, 1, 1, folder)
    logged_in_client.get(f"/library/albums/{album.pk}/")
    with CaptureQueriesContext(connection) as few:
        logged_in_client.get(f"/library/albums/{album.pk}/")
    for number in range(2, 20):
        track = _track(album, 1, number, folder)
        TrackFileFactory(track=track, format=TrackFile.Format.MP3, bitrate=320)
    with CaptureQueriesContext(connection) as many:
        html = logged_in_client.get(f"/library/albums/{album.pk}/").content.decode()

    assert "Disc 1 track 19" in html
    assert len(many) == len(few)


def test_the_track_list_links_to_the_album_and_artist_pages(logged_in_client: Client) -> None:
    album = AlbumFactory(title="Linked Album")
    track = _track(album, 1, 1)

    html = logged_in_client.get("/library/").content.decode()

    assert f'href="/library/albums/{album.pk}/"' in html
    assert f'href="/artists/{track.artist_id}/"' in html
