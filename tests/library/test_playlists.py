"""Playlists written as .m3u8 files in the music dir, with paths relative to it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from library import playlists
from library.models import Playlist, PlaylistEntry, TrackFile
from tests.factories import TrackFactory, TrackFileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def music(settings) -> Path:
    settings.SOULSPOT_PLAYLIST_DIR = settings.MUSIC_DIR
    return Path(settings.MUSIC_DIR).resolve()


def owned_track(music: Path, artist: str, title: str, relative: str, seconds: int = 200):
    track = TrackFactory(title=title, artist__name=artist, duration_ms=seconds * 1000)
    path = music / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    TrackFileFactory(track=track, path=str(path))
    return track


def make_playlist(name: str, tracks: list) -> Playlist:
    playlist = Playlist.objects.create(name=name)
    for position, track in enumerate(tracks, start=1):
        PlaylistEntry.objects.create(playlist=playlist, track=track, position=position)
    return playlist


def test_a_playlist_lists_its_files_in_order_with_relative_paths(music) -> None:
    first = owned_track(
        music, "Neon Harbor", "Afterglow", "Neon Harbor/Night Drive/02 - Afterglow.flac"
    )
    second = owned_track(music, "Dynamo Go", "Route 17", "Dynamo Go/Fool/03 - Route 17.mp3", 205)
    missing = TrackFactory(title="Not downloaded yet")
    playlist = make_playlist("Road trip", [second, missing, first])

    path = playlists.write_playlist(playlist)

    assert path == music / "Road trip.m3u8"
    assert path.read_text(encoding="utf-8") == (
        "#EXTM3U\n#SOULSPOT-PLAYLIST\n#PLAYLIST:Road trip\n"
        "#EXTINF:205,Dynamo Go - Route 17\nDynamo Go/Fool/03 - Route 17.mp3\n"
        "#EXTINF:200,Neon Harbor - Afterglow\nNeon Harbor/Night Drive/02 - Afterglow.flac\n"
    )


def test_paths_are_relative_to_a_separate_playlist_folder(settings, music) -> None:
    settings.SOULSPOT_PLAYLIST_DIR = music / "Playlists"
    track = owned_track(music, "A", "B", "A/B.flac")

    path = playlists.write_playlist(make_playlist("Mix", [track]))

    assert path == music / "Playlists" / "Mix.m3u8"
    assert path.read_text().splitlines()[-1] == "../A/B.flac"


def test_every_playlist_holding_a_track_is_rewritten(music) -> None:
    track = owned_track(music, "A", "Song", "A/Song.flac")
    make_playlist("One", [track])
    make_playlist("Two", [track])
    make_playlist("Unrelated", [TrackFactory()])

    written = playlists.regenerate_for_tracks([track.pk])

    assert sorted(p.name for p in written) == ["One.m3u8", "Two.m3u8"]


def test_hostile_and_clashing_names_stay_inside_the_folder(music) -> None:
    track = owned_track(music, "A", "Song", "A/Song.flac")
    evil = make_playlist("../../etc/cron.d/x", [track])
    twin = make_playlist("../../ETC/cron.d/X", [track])

    first, second = playlists.write_playlist(evil), playlists.write_playlist(twin)

    assert first.parent == music and second.parent == music
    assert first != second


def test_a_users_own_file_with_the_same_name_is_never_replaced(music) -> None:
    (music / "Mine.m3u8").write_text("#EXTM3U\nmy/own/list.mp3\n")
    playlist = make_playlist("Mine", [owned_track(music, "A", "S", "A/S.flac")])

    assert playlists.write_playlist(playlist) is None
    assert (music / "Mine.m3u8").read_text() == "#EXTM3U\nmy/own/list.mp3\n"


def test_writing_costs_the_same_queries_for_many_tracks(
    music, django_assert_max_num_queries
) -> None:
    tracks = [owned_track(music, "A", f"S{n}", f"A/S{n}.flac") for n in range(3)]
    small = make_playlist("Small", tracks)
    big = make_playlist(
        "Big", tracks + [owned_track(music, "B", f"T{n}", f"B/T{n}.flac") for n in range(20)]
    )

    with CaptureQueriesContext(connection) as few:
        playlists.write_playlist(small)
    with CaptureQueriesContext(connection) as many:
        playlists.write_playlist(big)
    assert len(many) == len(few)
    assert TrackFile.objects.count() == 23
