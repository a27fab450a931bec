"""Every format mutagen reads is catalogued with its tags, found by its content when its name
does not say; what is not audio is ignored quietly (issue 11, findings 2 and 3)."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from mutagen.apev2 import APEv2

from fakes.audio import make_random_bytes_file
from library import services
from library.audio.info import _FORMAT_BY_CLASS, FORMATS
from library.models import ScanProblem, Track, TrackFile
from library.mutagen_formats import mutagen_kinds
from library.scanner.walk import looks_like_audio, walk
from library.tagging import TagSet, read_cover, read_tags, write_tags
from tests.library.formats_support import copy_without_extension, make
from tests.library.support import music_root

pytestmark = pytest.mark.django_db

TAGS = TagSet(
    title="Señor Flamingos Adieu",
    artist="Kaizers Orchestra",
    album="Maestro",
    track_number=6,
    track_total=15,
    date="2005",
)

# extension -> (TrackFile.format, quality)
TAGGED = {
    "ape": ("ape", "flac"),
    "wv": ("wv", "flac"),
    "tak": ("tak", "flac"),
    "ofr": ("ofr", "flac"),
    "ofs": ("ofr", "flac"),
    "tta": ("tta", "flac"),
    "dsf": ("dsd", "flac_24"),
    "dff": ("dsd", "flac_24"),
    "mpc": ("mpc", ""),
    "wma": ("wma", ""),
    "spx": ("speex", ""),
    "m4b": ("aac", "aac"),
}


def scan_now() -> None:
    scan = services.start_scan(background=False)
    assert services.run_scan(scan.pk) == "completed"


@pytest.mark.parametrize("ext", sorted(TAGGED))
def test_each_format_is_catalogued_with_the_tags_it_carries(ext: str) -> None:
    # A path that says nothing, as the corpus's "mutagen/issue_29.wma" did: the tags must win.
    path = make(music_root() / "mutagen" / f"issue_29.{ext}")
    write_tags(path, TAGS)

    scan_now()

    file = TrackFile.objects.with_track().get()
    assert (file.format, file.quality, file.is_broken) == (*TAGGED[ext], False), file.broken_reason
    assert 950 <= file.duration_ms <= 1050
    track = file.track
    assert (track.title, track.artist.name, track.album.title, track.track_number) == (
        "Señor Flamingos Adieu",
        "Kaizers Orchestra",
        "Maestro",
        6,
    )


@pytest.mark.parametrize("ext", ["ac3", "eac3", "aac"])
def test_formats_without_tags_are_catalogued_from_their_path(ext: str) -> None:
    make(music_root() / "Kaizers Orchestra" / "Maestro" / f"06 - Señor Flamingos Adieu.{ext}")

    scan_now()

    file = TrackFile.objects.with_track().get()
    assert (file.format, file.is_broken) == ("aac" if ext == "aac" else "ac3", False)
    assert file.track.title == "Señor Flamingos Adieu"
    assert file.track.artist.name == "Kaizers Orchestra"


def test_apev2_and_asf_tags_of_one_recording_group_with_its_flac_copy() -> None:
    # Read from the path, the WMA and APE copies were "Unknown Artist / mutagen / issue_29" and
    # split the duplicate group; read from their tags they are one recording with the FLAC.
    root = music_root()
    for name in ("a/issue_29.wma", "b/issue_29.ape", "c/issue_29.flac"):
        write_tags(make(root / name), TAGS)

    scan_now()

    assert Track.objects.count() == 1
    assert TrackFile.objects.filter(track=Track.objects.get()).count() == 3


def test_an_mp3_without_an_extension_is_catalogued_by_its_content() -> None:
    mp3 = make(Path(music_root().parent / "sources" / "tone.mp3"))
    write_tags(mp3, TAGS)
    path = copy_without_extension(mp3, music_root() / "Kaizers Orchestra" / "Maestro" / "track6")
    ogg_flac = make(music_root() / "other" / "tone.oggflac")  # an extension nobody lists

    scan_now()

    file = TrackFile.objects.with_track().get(path=str(path))
    assert (file.format, file.is_broken) == ("mp3", False)
    assert file.track.title == "Señor Flamingos Adieu"
    assert TrackFile.objects.get(path=str(ogg_flac)).format == "flac"


def test_files_that_are_not_audio_are_ignored_quietly() -> None:
    folder = music_root() / "Kaizers Orchestra" / "Maestro"
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("ID3 is where it starts")  # a .txt is never sniffed
    (folder / "album.cue").write_text('FILE "album.flac" WAVE\n')
    (folder / "rip.log").write_text("EAC extraction logfile\n")
    (folder / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(64))
    (folder / "README").write_text("no extension, not audio\n")
    make_random_bytes_file(folder / "data.bin", seed=3)
    make(folder / "06.flac")

    scan_now()

    assert list(TrackFile.objects.values_list("path", flat=True)) == [str(folder / "06.flac")]
    assert not TrackFile.objects.filter(is_broken=True).exists()
    assert not ScanProblem.objects.exists()


def test_an_ape_full_of_noise_is_a_problem_with_a_reason() -> None:
    noise = make_random_bytes_file(music_root() / "mutagen" / "noise.ape", size=8192)

    scan_now()

    file = TrackFile.objects.get(path=str(noise))
    assert file.is_broken and file.broken_reason
    assert "format" in file.broken_reason or "parse" in file.broken_reason


def test_the_walk_reads_a_few_bytes_of_unknown_files_only(tmp_path: Path) -> None:
    make(tmp_path / "unnamed.wv").rename(tmp_path / "unnamed")
    big = tmp_path / "backup.img"
    big.write_bytes(b"\x00" * 5_000_000)

    found = walk(str(tmp_path))

    assert [Path(f.path).name for f in found.files] == ["unnamed"]
    assert found.problems == []


@pytest.mark.parametrize(
    ("head", "audio"),
    [
        (b"\xff\xfb\x90\x64" + bytes(12), True),  # MPEG-1 layer III, 128 kbps, 44.1 kHz
        (b"\xff\xf1\x50\x80" + bytes(12), True),  # ADTS AAC-LC, 44.1 kHz
        (b"\xff\xfb\xf0\x64" + bytes(12), False),  # bitrate index 15 is reserved
        (b"\xff\xfb\x9c\x64" + bytes(12), False),  # sample rate index 3 is reserved
        (b"\xff\xe9\x90\x64" + bytes(12), False),  # MPEG version "01" is reserved
        (b"\xff\xd8\xff\xe0" + bytes(12), False),  # JPEG
        (b"\x00\x00\x00\x20ftypM4B " + bytes(4), True),
        (b"\x30\x26\xb2\x75\x8e\x66\xcf\x11\xa6\xd9\x00\xaa\x00\x62\xce\x6c", True),
        (b"%PDF-1.7" + bytes(8), False),
        (b"", False),
    ],
)
def test_first_bytes_tell_audio_from_other_files(head: bytes, audio: bool) -> None:
    assert looks_like_audio(head) is audio


def test_tags_written_in_apev2_and_asf_read_back_with_a_cover(tmp_path: Path) -> None:
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
        b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81"
        b"\x84\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    tags = TagSet(**{**TAGS.__dict__, "artists": ["Kaizers Orchestra", "Helge"], "disc_number": 1})
    for ext in ("ape", "wma", "wv", "dsf"):
        path = make(tmp_path / f"x.{ext}")
        write_tags(path, tags, cover=png)
        assert read_tags(path) == tags, ext
        assert read_cover(path) == png, ext


@pytest.mark.parametrize("ext", ["mp3", "tta"])
def test_an_apev2_tag_is_read_when_the_file_has_no_id3(ext: str) -> None:
    # foobar2000 tags MP3 and TTA files with APEv2 only; mutagen's MP3 reader ignores it.
    path = make(music_root() / "mutagen" / f"issue_29.{ext}")
    ape = APEv2()
    ape.update({"Title": "Señor Flamingos Adieu", "Artist": "Kaizers Orchestra", "Track": "6/15"})
    ape["Album"] = "Maestro"
    ape.save(path)

    scan_now()

    track = TrackFile.objects.with_track().get().track
    assert (track.title, track.artist.name, track.album.title, track.track_number) == (
        "Señor Flamingos Adieu",
        "Kaizers Orchestra",
        "Maestro",
        6,
    )


def test_every_audio_class_mutagen_tries_has_a_format_of_its_own() -> None:
    # Not audio, or not a format of its own (a MIDI score, Theora video, a bare tag file), or
    # MP4, which format_key tells apart by its codec.
    generic = {"SMF", "OggTheora", "APEv2File", "ID3FileType", "MP4"}
    named = {kind.__name__ for kind in mutagen_kinds()} - generic
    assert named <= set(_FORMAT_BY_CLASS)
    assert set(FORMATS) == set(TrackFile.Format.values)


def test_files_catalogued_as_other_before_are_read_again_by_the_next_scan() -> None:
    # What main catalogued for a tagged WMA: format "other", track named from the path.
    path = make(music_root() / "mutagen" / "issue_29.wma")
    write_tags(path, TAGS)
    scan_now()
    TrackFile.objects.update(format="other")
    Track.objects.update(title="issue_29")

    migration = import_module("library.migrations.0010_more_formats")
    migration.reread_other_formats(django_apps, None)
    scan_now()

    file = TrackFile.objects.with_track().get()
    assert (file.format, file.track.title) == ("wma", "Señor Flamingos Adieu")
