"""Importing lists as playlists of wants, importing again, deleting; previews write nothing."""

from __future__ import annotations

import pytest

from automation.lists import services
from automation.lists.parse import ListError, ListTooLarge
from downloads.models import DownloadJob
from library.models import Playlist, PlaylistEntry, Track, TrackWant, WantSource
from tests.automation.lists_support import exportify_50_with_2_bad
from tests.factories import TrackFactory, TrackFileFactory

pytestmark = pytest.mark.django_db


def _entries(playlist: Playlist) -> list[str]:
    rows = PlaylistEntry.objects.filter(playlist=playlist).order_by("position")
    return [
        f"{e.track.artist.name} - {e.track.title}" for e in rows.select_related("track__artist")
    ]


def _nothing_written() -> None:
    assert Playlist.objects.count() == 0
    assert Track.objects.count() == 0
    assert TrackWant.objects.count() == 0
    assert DownloadJob.objects.count() == 0


def test_an_exportify_list_of_50_with_2_bad_rows_becomes_48_searched_wants() -> None:
    result = services.import_list("", exportify_50_with_2_bad(), filename="Road trip.csv")

    playlist = result.playlist
    assert (playlist.name, playlist.source) == ("Road trip", Playlist.Source.IMPORT)
    assert (result.understood, result.newly_wanted, result.searches_queued) == (48, 48, 48)
    assert [(r.line, r.reason) for r in result.rejected] == [
        (11, "no title"),
        (31, "ISRC is malformed"),
    ]
    tracks = Track.objects.filter(playlist_entries__playlist=playlist)
    assert tracks.count() == 48
    assert set(tracks.values_list("monitored", "status")) == {(True, Track.Status.WANTED)}
    assert tracks.exclude(spotify_id="").exclude(isrc="").count() == 48
    first = PlaylistEntry.objects.get(playlist=playlist, position=1).track
    assert (first.title, first.isrc, first.album.title, first.album.year) == (
        "Song 1",
        "GBAYE0000001",
        "Album 1",
        2001,
    )
    keys = set(TrackWant.objects.values_list("source", "key"))
    assert keys == {(WantSource.LIST, f"list:{playlist.pk}")}
    assert DownloadJob.objects.filter(track__in=tracks).count() == 48


def test_entries_keep_the_lists_order_and_its_repeats() -> None:
    result = services.import_list("Mix", "B - Two\nA - One\nB - Two\n")

    assert _entries(result.playlist) == ["B - Two", "A - One", "B - Two"]
    assert Track.objects.count() == 2


def test_a_track_already_in_the_library_is_reused_not_duplicated() -> None:
    owned = TrackFactory(title="One More Time", artist__name="Daft Punk", status=Track.Status.OWNED)
    TrackFileFactory(track=owned)

    result = services.import_list("Mix", "daft punk - one more time\n")

    assert _entries(result.playlist) == ["Daft Punk - One More Time"]
    assert Track.objects.get().pk == owned.pk
    assert result.searches_queued == 0


def test_importing_again_under_the_same_name_replaces_entries_and_releases_the_dropped() -> None:
    first = services.import_list("Mix", "A - One\nB - Two\nC - Three\n")
    dropped = Track.objects.get(title="Two")

    again = services.import_list("mix", "C - Three\nA - One\nD - Four\n")

    assert again.playlist.pk == first.playlist.pk
    assert Playlist.objects.count() == 1
    assert _entries(again.playlist) == ["C - Three", "A - One", "D - Four"]
    assert again.newly_wanted == 1
    dropped.refresh_from_db()
    assert dropped.status == Track.Status.KNOWN
    job = DownloadJob.objects.get(track=dropped)
    assert job.status == DownloadJob.Status.CANCELLED
    kept = Track.objects.get(title="One")
    assert kept.status == Track.Status.WANTED


def test_a_track_another_list_wants_stays_wanted_when_one_list_drops_it() -> None:
    services.import_list("Mix", "A - One\nB - Two\n")
    services.import_list("Other", "B - Two\n")

    services.import_list("Mix", "A - One\n")

    assert Track.objects.get(title="Two").status == Track.Status.WANTED


def test_a_new_name_makes_a_new_list_and_a_spotify_playlists_name_is_not_taken_over() -> None:
    spotify = Playlist.objects.create(name="Mix", source=Playlist.Source.SPOTIFY)

    first = services.import_list("Mix", "A - One\n")
    second = services.import_list("Other", "A - One\n")

    assert first.playlist.name == "Mix (2)"
    assert second.playlist.pk != first.playlist.pk
    assert not PlaylistEntry.objects.filter(playlist=spotify).exists()


def test_deleting_a_list_releases_its_wants_and_keeps_the_tracks() -> None:
    result = services.import_list("Mix", "A - One\nB - Two\n")
    services.import_list("Other", "B - Two\n")

    services.delete_list(result.playlist)

    assert not Playlist.objects.filter(pk=result.playlist.pk).exists()
    assert Track.objects.count() == 2
    assert Track.objects.get(title="One").status == Track.Status.KNOWN
    assert Track.objects.get(title="Two").status == Track.Status.WANTED
    assert not TrackWant.objects.filter(key=f"list:{result.playlist.pk}").exists()


def test_the_list_is_written_as_a_playlist_file(
    settings, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.import_list("Mix", "A - One\n")

    assert "#PLAYLIST:Mix" in (settings.SOULSPOT_PLAYLIST_DIR / "Mix.m3u8").read_text()


def test_preview_writes_nothing() -> None:
    parsed = services.preview_list(exportify_50_with_2_bad())

    assert (len(parsed.rows), len(parsed.rejected)) == (48, 2)
    _nothing_written()


def test_a_list_of_which_nothing_is_understood_is_refused_naming_the_first_reason() -> None:
    with pytest.raises(ListError, match="line 1: no ' - ' between artist and title"):
        services.import_list("Mix", "just words\nmore words\n")
    _nothing_written()


def test_a_list_too_long_is_refused_and_nothing_is_written() -> None:
    with pytest.raises(ListTooLarge):
        services.import_list("Big", "\n".join(f"A - Song {n}" for n in range(10_001)))
    _nothing_written()


def test_imported_lists_count_entries_owned_and_wanted() -> None:
    owned = TrackFactory(title="One", artist__name="A", status=Track.Status.OWNED, monitored=True)
    TrackFileFactory(track=owned)
    services.import_list("Mix", "A - One\nB - Two\nC - Three\n")

    [row] = services.imported_lists()

    assert (row.entry_count, row.owned_count, row.wanted_count) == (3, 1, 2)
