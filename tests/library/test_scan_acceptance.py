"""A generated library with known duplicates and broken files: the scan reports exactly those."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fakes.audio import make_random_bytes_file
from library import services
from library.models import DuplicateGroup, TrackFile
from tests.library.support import audio_file, music_root, song, truncate

pytestmark = pytest.mark.django_db
FORMATS = ["flac", "mp3", "ogg", "opus", "m4a"]
RECORDING = "6f1f9a4e-6a51-4d8e-9b0c-50a1c0ffee01"


def build_library(root: Path) -> tuple[set[frozenset[str]], set[str], dict[frozenset, str]]:
    """Distinct songs plus planted duplicates and broken files; returns what was planted."""
    songs = {}
    for n in range(24):
        artist, album = f"Artist {n % 3}", f"Album {n % 2}"
        songs[n] = song(root, artist, album, n + 1, f"Song {n}", ext=FORMATS[n % 5], seed=n)
    groups: dict[frozenset, str] = {}
    # Exact copies: a second and a third copy of the same bytes.
    copy = shutil.copyfile(songs[0], songs[0].with_name("01 - Song 0 (1).flac"))
    groups[frozenset({str(songs[0]), str(copy)})] = "exact"
    triple = [
        shutil.copyfile(songs[5], songs[5].with_name(f"06 - Song 5 ({i}).flac")) for i in (1, 2)
    ]
    groups[frozenset({str(songs[5]), *map(str, triple)})] = "exact"
    # The same song in another format (artist + title + length).
    flac = song(root, "Artist 1", "Album 1", 2, "Song 1", ext="flac", seed=1)  # Song 1 is an MP3
    groups[frozenset({str(songs[1]), str(flac)})] = "recording"
    # One MusicBrainz recording under two titles.
    take = song(root, "Artist 2", "Sessions", 1, "Take", musicbrainz_recording_id=RECORDING)
    remaster = song(
        root,
        "Artist 2",
        "Sessions",
        2,
        "Take (2011 Remaster)",
        seed=41,
        musicbrainz_recording_id=RECORDING,
    )
    groups[frozenset({str(take), str(remaster)})] = "recording"
    # One ISRC on an album and on a single.
    album = song(root, "Artist 0", "Greatest", 1, "Hit", seed=50, isrc="GBAAA2400001")
    single = song(root, "Artist 0", "Hit - Single", 1, "Hit", ext="ogg", isrc="GBAAA2400001")
    groups[frozenset({str(album), str(single)})] = "recording"
    # Near misses that must NOT be grouped: same title, 6 s longer (a live version).
    song(root, "Artist 0", "Live", 1, "Song 3", seconds=9, seed=3)
    broken = {
        str(truncate(song(root, "Broken", "Cut", 1, "Half", ext="mp3", seconds=6, seed=60))),
        str(truncate(song(root, "Broken", "Cut", 2, "Half", ext="flac", seconds=6, seed=61))),
        str(truncate(song(root, "Broken", "Cut", 3, "Half", ext="ogg", seconds=6, seed=62))),
        # A broken copy of a good song is broken, not a duplicate.
        str(truncate(audio_file(songs[2].with_name("03 - Song 2 (broken).ogg"), seconds=6))),
        str(make_random_bytes_file(root / "Broken" / "noise.flac", seed=1)),
        str(make_random_bytes_file(root / "Broken" / "noise.mp3", size=20_000, seed=2)),
    }
    for name in ("empty.mp3", "empty.flac"):
        (root / "Broken" / name).write_bytes(b"")
        broken.add(str(root / "Broken" / name))
    return set(groups), broken, groups


def test_a_scan_reports_exactly_the_planted_duplicates_and_broken_files(
    settings,
    api_client,
) -> None:
    settings.SOULSPOT_SCAN_WORKERS = 2  # real worker processes
    expected_groups, expected_broken, kinds = build_library(music_root())

    scan = services.start_scan(background=False)
    assert services.run_scan(scan.pk) == "completed"
    scan.refresh_from_db()

    broken = set(TrackFile.objects.broken().values_list("path", flat=True))
    assert broken == expected_broken
    found = {
        group.pk: frozenset(f.path for f in group.files.all())
        for group in DuplicateGroup.objects.open().with_files()
    }
    assert set(found.values()) == expected_groups
    for group in DuplicateGroup.objects.open().with_files():
        assert group.kind == kinds[found[group.pk]]
    assert (scan.files_total, scan.files_new, scan.files_broken) == (41, 41, 8)
    assert (scan.broken_total, scan.duplicate_groups) == (8, 5)
    assert scan.problems.filter(kind="broken_audio").count() == 8

    api_groups = api_client.get("/api/library/duplicates?limit=100").json()
    assert {
        frozenset(f["path"] for f in g["files"]) for g in api_groups["items"]
    } == expected_groups
    api_broken = api_client.get("/api/library/broken-files?limit=100").json()
    assert {f["path"] for f in api_broken["items"]} == expected_broken
    stats = api_client.get("/api/library/stats").json()
    assert (stats["broken"], stats["duplicate_groups"], stats["files"]) == (8, 5, 41)


def test_a_second_scan_of_the_same_library_reports_the_same_and_reads_nothing(settings) -> None:
    settings.SOULSPOT_SCAN_WORKERS = 2
    expected_groups, expected_broken, _ = build_library(music_root())
    services.run_scan(services.start_scan(background=False).pk)
    groups_before = set(DuplicateGroup.objects.open().values_list("pk", flat=True))

    scan = services.start_scan(background=False)
    services.run_scan(scan.pk)
    scan.refresh_from_db()

    assert (scan.files_new, scan.files_changed, scan.files_broken) == (0, 0, 0)
    assert (scan.broken_total, scan.duplicate_groups) == (
        len(expected_broken),
        len(expected_groups),
    )
    assert set(DuplicateGroup.objects.open().values_list("pk", flat=True)) == groups_before
