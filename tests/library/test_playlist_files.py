"""The playlist services: entries set in order, renames and deletes whose file follows."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from library import playlists
from library.models import Playlist, PlaylistEntry, Track
from soulspot.lib.errors import NotFound
from tests.factories import TrackFactory, TrackFileFactory
from tests.library.playlist_support import commit, music, with_file

pytestmark = pytest.mark.django_db
__all__ = ["commit", "music"]  # fixtures


def owned(music: Path, title: str, relative: str, **file: object) -> Track:
    track = TrackFactory(title=title, artist__name="Band", duration_ms=61_400)
    return with_file(track, music / relative, **file)


def listed(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]


def test_entries_are_set_in_order_with_repeats_and_the_file_follows(music, commit) -> None:
    one, two = owned(music, "One", "Band/One.flac"), owned(music, "Two", "Band/Two.flac")
    wanted = TrackFactory(title="Not here yet")
    playlist = Playlist.objects.create(name="Mix")

    commit(playlists.set_playlist_entries, playlist, [two.pk, wanted.pk, one.pk, two.pk])

    rows = list(playlist.entries.order_by("position").values_list("position", "track_id"))
    assert rows == [(1, two.pk), (2, wanted.pk), (3, one.pk), (4, two.pk)]
    text = (music / "Mix.m3u8").read_text(encoding="utf-8")
    assert listed(music / "Mix.m3u8") == ["Band/Two.flac", "Band/One.flac", "Band/Two.flac"]
    assert "#EXTINF:61,Band - Two\n" in text
    playlist.refresh_from_db()
    assert playlist.file_name == "Mix.m3u8"


def test_setting_entries_again_replaces_them(music, commit) -> None:
    one, two = owned(music, "One", "Band/One.flac"), owned(music, "Two", "Band/Two.flac")
    playlist = Playlist.objects.create(name="Mix")
    commit(playlists.set_playlist_entries, playlist, [one.pk, two.pk])

    commit(playlists.set_playlist_entries, playlist, [two.pk])

    assert list(playlist.entries.values_list("position", "track_id")) == [(1, two.pk)]
    assert listed(music / "Mix.m3u8") == ["Band/Two.flac"]


def test_an_unknown_track_is_refused_and_the_entries_stay(music, commit) -> None:
    one = owned(music, "One", "Band/One.flac")
    playlist = Playlist.objects.create(name="Mix")
    commit(playlists.set_playlist_entries, playlist, [one.pk])

    with pytest.raises(NotFound, match="#999999"):
        playlists.set_playlist_entries(playlist, [one.pk, 999_999])

    assert list(playlist.entries.values_list("track_id", flat=True)) == [one.pk]


def test_setting_entries_costs_the_same_queries_for_ten_or_ten_thousand(music) -> None:
    tracks = list(
        Track.objects.bulk_create(TrackFactory.build_batch(50, artist=TrackFactory().artist))
    )
    ids = [t.pk for t in tracks]
    small, big = Playlist.objects.create(name="Small"), Playlist.objects.create(name="Big")

    with CaptureQueriesContext(connection) as few:
        playlists.set_playlist_entries(small, ids[:10])
    with CaptureQueriesContext(connection) as many:
        playlists.set_playlist_entries(big, (ids * 200)[:10_000])

    assert len(many) == len(few)
    assert big.entries.count() == 10_000
    assert big.entries.get(position=10_000).track_id == ids[(10_000 - 1) % 50]


def test_a_rename_writes_the_new_file_and_removes_the_old_one(music, commit) -> None:
    playlist = Playlist.objects.create(name="Old name")
    commit(playlists.set_playlist_entries, playlist, [owned(music, "One", "Band/One.flac").pk])

    commit(playlists.rename_playlist, playlist, "  New   name ")

    assert not (music / "Old name.m3u8").exists()
    assert listed(music / "New name.m3u8") == ["Band/One.flac"]
    playlist.refresh_from_db()
    assert (playlist.name, playlist.file_name) == ("New name", "New name.m3u8")


def test_a_rename_leaves_a_users_file_under_the_old_name(music, commit) -> None:
    playlist = Playlist.objects.create(name="Old")
    commit(playlists.set_playlist_entries, playlist, [])
    (music / "Old.m3u8").write_text("#EXTM3U\nmine.mp3\n")  # the user replaced our file

    commit(playlists.rename_playlist, playlist, "New")

    assert (music / "Old.m3u8").read_text() == "#EXTM3U\nmine.mp3\n"
    assert (music / "New.m3u8").exists()


def test_a_rename_finds_the_file_written_before_file_names_were_kept(music, commit) -> None:
    playlist = Playlist.objects.create(name="Before")
    playlists.write_playlist(playlist)
    Playlist.objects.filter(pk=playlist.pk).update(file_name="")
    playlist.refresh_from_db()

    commit(playlists.rename_playlist, playlist, "After")

    assert sorted(p.name for p in music.glob("*.m3u8")) == ["After.m3u8"]


def test_an_empty_name_is_refused(music) -> None:
    playlist = Playlist.objects.create(name="Keep")

    with pytest.raises(playlists.PlaylistError):
        playlists.rename_playlist(playlist, " \t ")

    playlist.refresh_from_db()
    assert playlist.name == "Keep"


def test_a_delete_removes_our_file_and_keeps_the_tracks(music, commit) -> None:
    track = owned(music, "One", "Band/One.flac")
    playlist = Playlist.objects.create(name="Gone")
    commit(playlists.set_playlist_entries, playlist, [track.pk])

    commit(playlists.delete_playlist, playlist)

    assert not (music / "Gone.m3u8").exists()
    assert not Playlist.objects.exists() and not PlaylistEntry.objects.exists()
    assert Track.objects.filter(pk=track.pk).exists() and (music / "Band/One.flac").exists()


def test_a_delete_never_removes_a_users_file(music, commit) -> None:
    (music / "Theirs.m3u8").write_text("#EXTM3U\nmine.mp3\n")
    playlist = Playlist.objects.create(name="Theirs")

    commit(playlists.delete_playlist, playlist)

    assert (music / "Theirs.m3u8").read_text() == "#EXTM3U\nmine.mp3\n"


def test_a_broken_file_is_not_listed_but_a_healthy_copy_is(music, commit) -> None:
    fine = owned(music, "Fine", "Band/Fine.flac")
    broken = owned(music, "Broken", "Band/Broken.flac", is_broken=True)
    TrackFileFactory(track=fine, path=str(music / "Band/Fine (bad).flac"), is_broken=True)
    gone = owned(music, "Gone", "Band/Gone.flac", is_missing=True)
    playlist = Playlist.objects.create(name="Health")

    commit(playlists.set_playlist_entries, playlist, [fine.pk, broken.pk, gone.pk])

    assert listed(music / "Health.m3u8") == ["Band/Fine.flac"]


def test_two_names_that_make_the_same_file_name_get_two_files(music, commit) -> None:
    first, second = Playlist.objects.create(name="a/b"), Playlist.objects.create(name="a-b")

    commit(playlists.set_playlist_entries, first, [])
    commit(playlists.set_playlist_entries, second, [])

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.file_name == "a-b.m3u8"
    assert second.file_name == f"a-b ({second.pk}).m3u8"
    assert (music / first.file_name).exists() and (music / second.file_name).exists()


def test_a_created_playlist_has_its_entries_source_and_file(music, commit) -> None:
    track = owned(music, "One", "Band/One.flac")

    playlist = commit(
        playlists.create_playlist,
        "From Spotify",
        [track.pk, track.pk],
        source=Playlist.Source.SPOTIFY,
        spotify_id="sp1",
    )

    assert (playlist.source, playlist.spotify_id) == ("spotify", "sp1")
    assert list(playlist.entries.values_list("position", "track_id")) == [
        (1, track.pk),
        (2, track.pk),
    ]
    assert listed(music / "From Spotify.m3u8") == ["Band/One.flac", "Band/One.flac"]


def test_a_playlist_with_an_unknown_track_is_not_created(music) -> None:
    with pytest.raises(NotFound):
        playlists.create_playlist("Nope", [999_999])

    assert not Playlist.objects.exists()
