"""Playlist files follow the library's files: scans, recycling, duplicates, renames, upgrades.

Real files, real scans and the real importer; the .m3u8 is read back from disk.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from downloads.engine import handoff
from downloads.models import DownloadJob
from library import playlists, services
from library.models import DuplicateGroup, Playlist, PlaylistEntry, Track, TrackFile
from library.naming import services as naming_services
from tests.library.support import music_root, song
from tests.metadata.conftest import audio_sources  # noqa: F401 (a fixture)
from tests.metadata.conftest import dirs as import_dirs  # noqa: F401 (a fixture)
from tests.metadata.support import downloaded_file, importing_job, want

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def recycle_bin(settings, tmp_path: Path) -> Path:
    settings.SOULSPOT_RECYCLE_DIR = tmp_path / "recycle"
    return settings.SOULSPOT_RECYCLE_DIR


def scan_now() -> None:
    assert services.run_scan(services.start_scan(background=False).pk) == "completed"


def playlist_of(*tracks: Track, name: str = "Mix") -> Playlist:
    playlist = Playlist.objects.create(name=name)
    for position, track in enumerate(tracks, start=1):
        PlaylistEntry.objects.create(playlist=playlist, track=track, position=position)
    playlists.write_playlist(playlist)
    return playlist


def listed(name: str = "Mix") -> list[str]:
    text = (Path(music_root()).resolve() / f"{name}.m3u8").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if not line.startswith("#")]


def test_a_file_the_scan_finds_gone_leaves_the_playlist_and_comes_back_with_it() -> None:
    path = song(music_root(), "A", "B", 1, "Song")
    scan_now()
    playlist_of(Track.objects.get())
    assert listed() == ["A/B/01 - Song.flac"]
    parked = Path(shutil.move(path, music_root().parent / "parked.bin"))

    scan_now()
    assert listed() == []

    shutil.move(parked, path)
    scan_now()
    assert listed() == ["A/B/01 - Song.flac"]


def test_a_rescan_that_finds_a_file_broken_takes_it_off_the_playlist() -> None:
    path = song(music_root(), "A", "B", 1, "Song")
    scan_now()
    playlist_of(Track.objects.get())
    path.write_bytes(b"not audio any more")

    services.rescan_files(list(TrackFile.objects.values_list("pk", flat=True)))

    assert TrackFile.objects.get().is_broken
    assert listed() == []


def test_recycling_the_listed_copy_lists_the_other_one() -> None:
    path = song(music_root(), "A", "B", 1, "Song")
    scan_now()
    track = Track.objects.get()
    other = Path(shutil.copyfile(path, music_root() / "elsewhere.flac"))
    TrackFile.objects.create(track=track, path=str(other.resolve()), size=other.stat().st_size)
    playlist_of(track)
    assert listed() == ["elsewhere.flac"]  # the newest healthy copy

    services.recycle_files([TrackFile.objects.get(path=str(other.resolve())).pk], "bad copy")

    assert listed() == ["A/B/01 - Song.flac"]


def test_resolving_duplicates_keeping_the_unlisted_file_lists_the_keeper() -> None:
    original = song(music_root(), "A", "B", 1, "Song")
    shutil.copyfile(original, original.with_name("01 - Song (1).flac"))
    scan_now()
    group = DuplicateGroup.objects.get()
    playlist_of(*Track.objects.filter(files__duplicate_group=group).distinct())
    before = listed()
    keep = next(f for f in group.files.all() if not f.path.endswith(before[0]))

    services.resolve_duplicate_group(group.pk, keep.pk)

    root = Path(music_root()).resolve()
    assert listed() == [Path(keep.path).relative_to(root).as_posix()] != before


def test_a_naming_template_change_applied_moves_the_paths_in_the_playlist() -> None:
    song(music_root(), "Band", "Album", 1, "Song")
    scan_now()
    playlist_of(Track.objects.get())
    assert listed() == ["Band/Album/01 - Song.flac"]

    naming_services.apply_renames(
        list(TrackFile.objects.values_list("pk", flat=True)),
        {"standard": "{Artist Name}/{Track Title}"},
    )

    assert listed() == ["Band/Song.flac"]
    assert (Path(music_root()).resolve() / "Band/Song.flac").is_file()


def test_an_upgrade_that_replaces_the_file_moves_the_path_in_the_playlist(
    import_dirs,  # noqa: F811
    audio_sources,  # noqa: F811
) -> None:
    track = want()
    playlist_of(track, name="Night")
    first = importing_job(track, downloaded_file(import_dirs, audio_sources, "mp3"))
    handoff.import_download(first.pk)
    first.refresh_from_db()
    assert listed("Night") == [Path(first.library_path).relative_to(import_dirs.music).as_posix()]
    DownloadJob.objects.filter(pk=first.pk).delete()
    Track.objects.filter(pk=track.pk).update(status=Track.Status.WANTED)

    better = importing_job(track, downloaded_file(import_dirs, audio_sources, "flac"))
    handoff.import_download(better.pk)

    better.refresh_from_db()
    assert better.library_path.endswith(".flac") and not Path(first.library_path).exists()
    assert listed("Night") == [Path(better.library_path).relative_to(import_dirs.music).as_posix()]
