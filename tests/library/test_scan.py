"""Scanning: reading files into the catalogue, incremental rescans, missing files, sub-folders."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from library import services
from library.models import Album, Artist, LibraryScan, Track, TrackFile
from library.safe_files import sha256_file
from library.scanner import reader
from tests.factories import TrackFactory, TrackFileFactory
from tests.library.support import audio_file, music_root, song, truncate

pytestmark = pytest.mark.django_db


def scan_now(path: str | None = None, *, full: bool = False, deep: bool = False) -> LibraryScan:
    scan = services.start_scan(path, full=full, deep=deep, background=False)
    assert services.run_scan(scan.pk) == "completed"
    scan.refresh_from_db()
    return scan


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Paths the scanner opened (small scans read in-process, so the patch sees them all)."""
    opened: list[str] = []
    real = reader.read_file

    def spy(path: str, deep: bool = False) -> dict:
        opened.append(path)
        return real(path, deep)

    monkeypatch.setattr(reader, "read_file", spy)
    return opened


def test_a_first_scan_catalogues_each_file_with_stream_info_hash_and_links() -> None:
    root = music_root()
    flac = song(root, "Neon Harbor", "Night Drive", 1, "Intro", isrc="GBNEO2400001")
    song(root, "Neon Harbor", "Night Drive", 2, "Afterglow", ext="mp3", seed=2)

    scan = scan_now()

    assert (scan.status, scan.files_total, scan.files_new, scan.files_broken) == (
        "completed",
        2,
        2,
        0,
    )
    file = TrackFile.objects.with_track().get(path=str(flac))
    assert (file.format, file.quality, file.sample_rate, file.bit_depth) == (
        "flac",
        "flac",
        44100,
        16,
    )
    assert file.duration_ms == 3000 and file.bitrate and file.size == flac.stat().st_size
    assert file.sha256 == sha256_file(flac) and file.mtime == flac.stat().st_mtime
    assert file.tag_score == 5 and file.last_scanned_at is not None
    track = file.track
    assert (track.title, track.artist.name, track.album.title) == (
        "Intro",
        "Neon Harbor",
        "Night Drive",
    )
    assert (track.track_number, track.isrc, track.status) == (1, "GBNEO2400001", Track.Status.OWNED)
    assert Artist.objects.count() == 1 and Album.objects.count() == 1 and Track.objects.count() == 2


def test_files_without_tags_are_named_from_the_artist_album_title_layout() -> None:
    audio_file(music_root() / "The xx" / "Coexist" / "03 - Chained.ogg", seed=3)

    scan_now()

    track = Track.objects.with_relations().get()
    assert (track.artist.name, track.album.title, track.title, track.track_number) == (
        "The xx",
        "Coexist",
        "Chained",
        3,
    )


def test_a_wanted_track_becomes_owned_when_its_file_is_found_by_isrc() -> None:
    wanted = TrackFactory(title="Afterglow", isrc="GBNEO2400001", status=Track.Status.WANTED)
    song(music_root(), "Other Name", "Album", 1, "Different Title", isrc="GBNEO2400001")

    scan_now()

    wanted.refresh_from_db()
    assert wanted.status == Track.Status.OWNED
    assert TrackFile.objects.get().track_id == wanted.pk
    assert Track.objects.count() == 1


def test_files_of_one_new_track_in_one_batch_share_a_single_new_track() -> None:
    root = music_root()
    song(root, "A", "B", 1, "Same", ext="flac")
    song(root, "A", "B", 1, "Same", ext="mp3")

    scan_now()

    assert Track.objects.count() == 1
    assert TrackFile.objects.filter(track=Track.objects.get()).count() == 2


def test_a_rescan_does_not_open_unchanged_files(reads: list[str]) -> None:
    root = music_root()
    for n in range(3):
        song(root, "A", "B", n + 1, f"Song {n}", seed=n)
    scan_now()
    reads.clear()

    scan = scan_now()

    assert reads == []
    assert (scan.files_total, scan.files_seen, scan.files_new, scan.files_changed) == (3, 3, 0, 0)


def test_a_changed_file_is_read_again_and_counted_as_changed(reads: list[str]) -> None:
    root = music_root()
    path = song(root, "A", "B", 1, "Song")
    song(root, "A", "B", 2, "Other", seed=2)
    scan_now()
    reads.clear()
    audio_file(path, seed=9, seconds=4)

    scan = scan_now()

    assert reads == [str(path)]
    assert (scan.files_changed, scan.files_new) == (1, 0)
    file = TrackFile.objects.get(path=str(path))
    assert file.duration_ms == 4000 and file.sha256 == sha256_file(path)


def test_a_touched_but_identical_file_is_read_but_not_counted_as_changed(reads: list[str]) -> None:
    path = song(music_root(), "A", "B", 1, "Song")
    scan_now()
    reads.clear()
    os.utime(path, (1_000_000_000, 1_000_000_000))

    scan = scan_now()

    assert reads == [str(path)] and scan.files_changed == 0
    assert TrackFile.objects.get().mtime == 1_000_000_000


def test_a_removed_file_is_marked_missing_and_keeps_its_row_and_track() -> None:
    path = song(music_root(), "A", "B", 1, "Song")
    scan_now()
    track_id = TrackFile.objects.get().track_id
    path.unlink()

    scan = scan_now()

    assert scan.files_removed == 1
    file = TrackFile.objects.get()
    assert file.is_missing and file.track_id == track_id and file.sha256
    assert Track.objects.filter(pk=track_id).exists()


def test_a_missing_file_that_comes_back_unchanged_is_present_again_without_reading(
    reads: list[str],
) -> None:
    path = song(music_root(), "A", "B", 1, "Song")
    scan_now()
    # Parked outside the music folder: inside it, the walk would find the FLAC by its content.
    parked = Path(shutil.move(path, music_root().parent / "parked.bin"))
    scan_now()
    shutil.move(parked, path)
    reads.clear()

    scan = scan_now()

    assert reads == [] and scan.files_new == 1
    assert not TrackFile.objects.get().is_missing


def test_a_full_scan_reads_every_file_again(reads: list[str]) -> None:
    root = music_root()
    paths = [song(root, "A", "B", n + 1, f"Song {n}", seed=n) for n in range(2)]
    scan_now()
    reads.clear()

    scan = scan_now(full=True)

    assert sorted(reads) == sorted(map(str, paths))
    assert (scan.files_new, scan.files_changed) == (0, 0)


def test_the_scanner_skips_temporary_hidden_recycled_and_non_audio_files(settings) -> None:
    root = music_root()
    keep = song(root, "A", "B", 1, "Song")
    audio_file(root / "A" / "B" / ".soulspot-tmp-0123.flac")
    audio_file(root / ".Trash-1000" / "old.flac")
    (root / "A" / "B" / "cover.jpg").write_bytes(b"\xff\xd8 not audio")
    (root / "A" / "B" / "notes.txt").write_text("hello")
    settings.SOULSPOT_RECYCLE_DIR = root / "recycle"
    audio_file(root / "recycle" / "2026-01-01" / "gone.flac")

    scan = scan_now()

    assert scan.files_total == 1
    assert list(TrackFile.objects.values_list("path", flat=True)) == [str(keep)]


def test_scanning_a_folder_leaves_files_elsewhere_alone() -> None:
    root = music_root()
    inside = song(root, "A", "One", 1, "Song")
    outside = song(root, "B", "Two", 1, "Other", seed=2)
    scan_now()
    outside.unlink()
    audio_file(inside.parent / "02 - New.flac", seed=5)

    scan = scan_now(str(inside.parent))

    assert (scan.path, scan.files_total, scan.files_new) == (str(inside.parent), 2, 1)
    assert not TrackFile.objects.get(path=str(outside)).is_missing  # not this scan's business


@pytest.mark.parametrize("path", ["/etc", "../outside", "A/does-not-exist"])
def test_a_scan_of_a_path_outside_the_music_folder_or_not_a_folder_is_refused(path: str) -> None:
    (music_root() / "A").mkdir()
    with pytest.raises(services.ScanError):
        services.start_scan(path, background=False)
    assert not LibraryScan.objects.exists()


def test_a_relative_path_is_read_inside_the_music_folder() -> None:
    song(music_root(), "A", "B", 1, "Song")

    scan = scan_now("A")

    assert scan.path == str(music_root() / "A") and scan.files_total == 1


def test_a_completed_scan_records_its_figures_and_releases_the_active_slot() -> None:
    song(music_root(), "A", "B", 1, "Song")

    scan = scan_now()

    assert not scan.is_active and scan.phase == LibraryScan.Phase.DONE
    assert scan.started_at <= scan.finished_at and scan.duration_seconds is not None
    assert (scan.broken_total, scan.duplicate_groups, scan.percent) == (0, 0, 100.0)
    assert services.start_scan(background=False).pk != scan.pk  # the next one may start


def test_a_deep_scan_finds_a_file_that_decodes_badly_though_its_ends_look_fine() -> None:
    path = song(music_root(), "A", "B", 1, "Song", seconds=6)
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 4000] = os.urandom(4000)
    path.write_bytes(bytes(data))
    assert scan_now().files_broken == 0  # headers and the end are intact

    scan = scan_now(full=True, deep=True)

    assert scan.files_broken == 1
    assert TrackFile.objects.get().broken_reason.startswith("decode failed")


def test_a_truncated_file_is_broken_and_its_track_is_not_owned() -> None:
    path = truncate(song(music_root(), "A", "B", 1, "Song", ext="mp3", seconds=6), 0.5)

    scan = scan_now()

    file = TrackFile.objects.with_track().get()
    assert scan.files_broken == 1 and file.is_broken and "truncated" in file.broken_reason
    assert file.track.title == "Song" and file.track.status == Track.Status.KNOWN
    assert file.path == str(path)


def test_the_scan_reads_with_a_process_pool_for_larger_batches(settings) -> None:
    settings.SOULSPOT_SCAN_WORKERS = 2
    root = music_root()
    for n in range(40):
        song(root, f"Artist {n % 3}", f"Album {n % 5}", n + 1, f"Song {n}", seed=n % 7)

    scan = scan_now()

    assert (scan.files_total, scan.files_new, scan.files_broken) == (40, 40, 0)
    assert TrackFile.objects.exclude(sha256="").count() == 40
    assert Track.objects.owned().count() == 40


def test_a_file_without_identifying_tags_keeps_the_track_it_was_linked_to() -> None:
    wanted = TrackFactory(title="Afterglow", spotify_id="5Y3ZK8t3Cw")
    path = audio_file(music_root() / "import" / "file.flac", seed=1)
    TrackFileFactory(track=wanted, path=str(path), size=1, mtime=0)  # the importer's row

    scan_now()  # changed (size and mtime differ): read again, untagged

    file = TrackFile.objects.get()
    assert file.track_id == wanted.pk and file.size == path.stat().st_size
    assert Track.objects.count() == 1
