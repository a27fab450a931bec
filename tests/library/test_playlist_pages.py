"""The playlist pages: the list with counts, one playlist's entries with their state."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from library import history, playlists
from library.models import Playlist, Track
from tests.factories import TrackFactory, TrackFileFactory

pytestmark = pytest.mark.django_db


def playlist_with(*tracks: Track, name: str = "Mix") -> Playlist:
    playlist = Playlist.objects.create(name=name)
    playlists.set_playlist_entries(playlist, [track.pk for track in tracks])
    return playlist


def owned() -> Track:
    return TrackFileFactory().track


def wanted(**fields: object) -> Track:
    return TrackFactory(monitored=True, status=Track.Status.WANTED, **fields)


def cells(html: str) -> list[list[str]]:
    """The table rows of a page as lists of cell texts."""
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    return [
        [
            re.sub(r"<[^>]+>|\s+", " ", cell).strip()
            for cell in re.findall(r"<td>(.*?)</td>", row, re.S)
        ]
        for row in rows
        if "<td>" in row
    ]


def test_the_list_shows_each_playlists_source_counts_and_file(logged_in_client: Client) -> None:
    broken = TrackFileFactory(is_broken=True).track
    unmonitored = TrackFactory()
    failed = wanted()
    playlist = playlist_with(owned(), owned(), wanted(), failed, broken, unmonitored, name="Mix")
    Playlist.objects.filter(pk=playlist.pk).update(file_name="Mix.m3u8", source="spotify")
    Playlist.objects.create(name="Empty")

    response = logged_in_client.get("/library/playlists/")

    assert response.status_code == 200
    # name, source, entries, owned, wanted (a broken file is no file), file
    assert cells(response.content.decode()) == [
        ["Empty", "Manual", "0", "0", "0", "not written yet"],
        ["Mix", "Spotify", "6", "2", "2", "Mix.m3u8"],
    ]


def test_the_list_searches_names(logged_in_client: Client) -> None:
    Playlist.objects.create(name="Road trip")
    Playlist.objects.create(name="Gym")

    html = logged_in_client.get("/library/playlists/?q=road").content.decode()

    assert [row[0] for row in cells(html)] == ["Road trip"]


def test_the_detail_lists_entries_in_order_with_their_state(logged_in_client: Client) -> None:
    have = owned()
    missing = wanted(title="Still wanted")
    given_up = wanted(title="Nowhere")
    history.record(history.Type.SEARCHED, "searched", track=given_up)
    history.record(history.Type.FAILED, "no candidate", track=given_up)
    retried = wanted(title="Retried")
    history.record(history.Type.FAILED, "no candidate", track=retried)
    history.record(history.Type.GRABBED, "grabbed", track=retried)
    skipped = TrackFactory(title="Unmonitored")
    broken = TrackFileFactory(is_broken=True, track=wanted(title="Broken")).track
    playlist = playlist_with(missing, have, given_up, retried, skipped, broken, have)

    response = logged_in_client.get(f"/library/playlists/{playlist.pk}/")

    assert response.status_code == 200
    rows = cells(response.content.decode())
    assert [(row[0], row[2], row[3]) for row in rows] == [
        ("1", "Still wanted", "Wanted"),
        ("2", have.title, "Owned"),
        ("3", "Nowhere", "Not found"),
        ("4", "Retried", "Wanted"),
        ("5", "Unmonitored", "Not wanted"),
        ("6", "Broken", "Wanted"),
        ("7", have.title, "Owned"),
    ]


def test_an_unknown_playlist_is_404(logged_in_client: Client) -> None:
    assert logged_in_client.get("/library/playlists/999999/").status_code == 404


def test_the_list_uses_the_same_queries_for_3_or_30_playlists(
    logged_in_client: Client, django_assert_max_num_queries
) -> None:
    for n in range(3):
        playlist_with(owned(), wanted(), name=f"P{n}")
    with django_assert_max_num_queries(15) as small:
        assert logged_in_client.get("/library/playlists/").status_code == 200
    for n in range(3, 30):
        playlist_with(owned(), wanted(), TrackFactory(), name=f"P{n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert logged_in_client.get("/library/playlists/").status_code == 200


def test_the_detail_uses_the_same_queries_for_3_or_60_entries(
    logged_in_client: Client, django_assert_max_num_queries
) -> None:
    small = playlist_with(owned(), wanted(), TrackFactory(), name="Small")
    tracks = [owned() for _ in range(20)] + [wanted() for _ in range(20)]
    big = playlist_with(*tracks, *[TrackFactory() for _ in range(20)], name="Big")
    with django_assert_max_num_queries(15) as few:
        assert logged_in_client.get(f"/library/playlists/{small.pk}/").status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert logged_in_client.get(f"/library/playlists/{big.pk}/").status_code == 200


def test_renaming_on_the_page_moves_the_file(
    logged_in_client: Client, settings, django_capture_on_commit_callbacks
) -> None:
    music = Path(settings.MUSIC_DIR).resolve()
    playlist = playlist_with(owned(), name="Before")
    playlists.write_playlist(playlist)

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in_client.post(
            f"/library/playlists/{playlist.pk}/rename/", {"name": "After"}
        )

    assert response.status_code == 302
    assert sorted(p.name for p in music.glob("*.m3u8")) == ["After.m3u8"]


def test_an_empty_or_overlong_name_on_the_page_is_refused_and_shown(
    logged_in_client: Client,
) -> None:
    playlist = playlist_with(name="Kept")

    refusals = {
        "   ": "a playlist name has 1 to 500 characters",
        "x" * 501: "name is longer than 500 characters",
        "a\x00b": "name must not contain NUL characters",
    }
    for name, why in refusals.items():
        response = logged_in_client.post(
            f"/library/playlists/{playlist.pk}/rename/", {"name": name}, follow=True
        )
        assert response.status_code == 200
        assert why in response.content.decode()

    playlist.refresh_from_db()
    assert playlist.name == "Kept"


def test_deleting_on_the_page_removes_the_playlist_and_its_file(
    logged_in_client: Client, settings, django_capture_on_commit_callbacks
) -> None:
    music = Path(settings.MUSIC_DIR).resolve()
    track = owned()
    playlist = playlist_with(track, name="Bye")
    playlists.write_playlist(playlist)

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in_client.post(f"/library/playlists/{playlist.pk}/delete/")

    assert response.status_code == 302 and response["Location"] == "/library/playlists/"
    assert not Playlist.objects.exists() and not (music / "Bye.m3u8").exists()
    assert Track.objects.filter(pk=track.pk).exists()


def test_the_navigation_links_the_playlists(logged_in_client: Client) -> None:
    html = logged_in_client.get("/library/playlists/").content.decode()

    assert 'href="/library/playlists/"' in html
