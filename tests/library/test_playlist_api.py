"""/api/playlists: the list with counts, one playlist with entry states, rename, delete."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from library import history, playlists
from library.models import Playlist, Track
from tests.factories import TrackFactory
from tests.library.playlist_support import committed, music, with_file

pytestmark = pytest.mark.django_db
__all__ = ["committed", "music"]  # fixtures


def owned(music: Path, title: str = "Song") -> Track:
    track = TrackFactory(title=title, artist__name="Band", duration_ms=90_000)
    return with_file(track, music / "Band" / f"{title}.flac")


def wanted(title: str = "Wanted") -> Track:
    return TrackFactory(title=title, monitored=True, status=Track.Status.WANTED)


def playlist_with(*tracks: Track, name: str = "Mix", **fields: object) -> Playlist:
    playlist = Playlist.objects.create(name=name, **fields)
    playlists.set_playlist_entries(playlist, [track.pk for track in tracks])
    return playlist


def test_the_list_is_a_page_with_counts_and_filters(api_client: Client, music) -> None:
    playlist_with(owned(music), wanted(), TrackFactory(), name="Mix", source="spotify")
    playlist_with(name="Empty")

    everything = api_client.get("/api/playlists").json()
    spotify = api_client.get("/api/playlists?source=spotify&q=mi").json()

    assert everything["count"] == 2
    assert [
        (p["name"], p["entry_count"], p["owned_count"], p["wanted_count"])
        for p in everything["items"]
    ] == [
        ("Empty", 0, 0, 0),
        ("Mix", 3, 1, 1),
    ]
    assert [p["name"] for p in spotify["items"]] == ["Mix"]


def test_one_playlist_lists_its_entries_in_order_with_their_state(
    api_client: Client, music
) -> None:
    have, missing, skipped = owned(music, "Have"), wanted("Missing"), TrackFactory(title="Skip")
    failed = wanted("Failed")
    history.record(history.Type.FAILED, "no candidate", track=failed)
    playlist = playlist_with(missing, have, failed, skipped, have)

    body = api_client.get(f"/api/playlists/{playlist.pk}").json()

    assert body["name"] == "Mix" and body["entry_count"] == 5 and body["owned_count"] == 2
    assert [(e["position"], e["title"], e["state"]) for e in body["entries"]] == [
        (1, "Missing", "wanted"),
        (2, "Have", "owned"),
        (3, "Failed", "not_found"),
        (4, "Skip", "not_wanted"),
        (5, "Have", "owned"),
    ]
    assert body["entries"][1]["artist"] == "Band" and body["entries"][1]["duration_ms"] == 90_000


def test_renaming_moves_the_file(api_client: Client, music, committed) -> None:
    playlist = playlist_with(owned(music), name="Before")
    playlists.write_playlist(playlist)

    with committed():
        response = api_client.patch(
            f"/api/playlists/{playlist.pk}", {"name": "After"}, content_type="application/json"
        )

    assert response.status_code == 200
    assert response.json()["name"] == "After" and response.json()["entry_count"] == 1
    assert sorted(p.name for p in music.glob("*.m3u8")) == ["After.m3u8"]
    assert "Band/Song.flac" in (music / "After.m3u8").read_text()


def test_a_blank_name_is_refused_with_the_reason(api_client: Client, music) -> None:
    playlist = playlist_with(name="Kept")

    response = api_client.patch(
        f"/api/playlists/{playlist.pk}", {"name": "   "}, content_type="application/json"
    )

    assert response.status_code == 400
    assert "1 to 500 characters" in response.json()["detail"]
    playlist.refresh_from_db()
    assert playlist.name == "Kept"


def test_deleting_removes_the_file_and_keeps_the_tracks(
    api_client: Client, music, committed
) -> None:
    track = owned(music)
    playlist = playlist_with(track, name="Bye")
    playlists.write_playlist(playlist)

    with committed():
        response = api_client.delete(f"/api/playlists/{playlist.pk}")

    assert response.status_code == 204
    assert not Playlist.objects.exists() and not (music / "Bye.m3u8").exists()
    assert Track.objects.filter(pk=track.pk).exists() and (music / "Band/Song.flac").exists()


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_an_unknown_playlist_is_404(api_client: Client, method: str) -> None:
    response = getattr(api_client, method)(
        "/api/playlists/999999",
        {"name": "x"} if method == "patch" else None,
        content_type="application/json",
    )

    assert response.status_code == 404


def test_the_list_costs_the_same_queries_for_3_or_30_playlists(
    api_client: Client, music, django_assert_max_num_queries
) -> None:
    for n in range(3):
        playlist_with(owned(music, f"S{n}"), wanted(), name=f"P{n}")
    with django_assert_max_num_queries(10) as few:
        assert api_client.get("/api/playlists").status_code == 200
    for n in range(3, 30):
        playlist_with(owned(music, f"S{n}"), wanted(), TrackFactory(), name=f"P{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api_client.get("/api/playlists").json()["count"] == 30


def test_one_playlist_costs_the_same_queries_for_3_or_300_entries(
    api_client: Client, music, django_assert_max_num_queries
) -> None:
    small = playlist_with(owned(music, "A"), wanted(), TrackFactory(), name="Small")
    tracks = [owned(music, f"T{n}") for n in range(100)] + [wanted() for _ in range(100)]
    big = playlist_with(*tracks, *[TrackFactory() for _ in range(100)], name="Big")
    with django_assert_max_num_queries(10) as few:
        assert api_client.get(f"/api/playlists/{small.pk}").status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api_client.get(f"/api/playlists/{big.pk}").json()["entries"]) == 300
