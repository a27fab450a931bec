"""The importer keeps what the file says unless it knows better (issue 11, findings 6-9).

Each test imports real generated files through the folder import (`manage.py import`'s
service), re-reads the library file with mutagen and checks that every tag present before is
still there (or replaced by a better-sourced value), then re-scans the library and checks that
nothing is flagged broken.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import mutagen
import pytest
from mutagen.flac import FLAC
from mutagen.id3 import ID3, TDRC, TIT2, TPE1, TRCK
from mutagen.oggvorbis import OggVorbis

from fakes.audio import ffmpeg_path
from library import services as library_services
from library.models import TrackFile
from library.tagging import read_tags
from metadata import services
from tests.metadata.support import Dirs, want

pytestmark = pytest.mark.django_db


def _copy(dirs: Dirs, audio_sources: dict[str, Path], fmt: str, relative: str) -> Path:
    path = dirs.downloads / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(audio_sources[fmt], path)
    return path


def _import(dirs: Dirs) -> list[TrackFile]:
    batch = services.import_folder_now(str(dirs.downloads))
    assert batch.failed == 0, list(batch.items.values_list("reason", flat=True))
    return list(TrackFile.objects.select_related("track__artist", "track__album").order_by("pk"))


def _rescan_healthy() -> None:
    scan = library_services.start_scan(full=True, background=False)
    library_services.run_scan(scan.pk)
    broken = list(TrackFile.objects.filter(is_broken=True).values_list("path", "broken_reason"))
    assert broken == []


def _vorbis(path: Path) -> dict[str, list[str]]:
    audio = mutagen.File(path)
    return {key.upper(): list(values) for key, values in (audio.tags or {}).items()}


# --- finding 6: dates and totals ----------------------------------------------------------------


def test_date_and_track_total_survive_an_import_without_album(dirs, audio_sources) -> None:
    path = _copy(dirs, audio_sources, "mp3", "loose/afterglow.mp3")
    tags = ID3()
    tags.add(TIT2(encoding=3, text=["Afterglow"]))
    tags.add(TPE1(encoding=3, text=["Neon Harbor"]))
    tags.add(TRCK(encoding=3, text=["02/10"]))
    tags.add(TDRC(encoding=3, text=["1995-10-03"]))
    tags.save(path)

    (row,) = _import(dirs)

    after = ID3(row.path)
    assert str(after["TDRC"].text[0]) == "1995-10-03"
    assert str(after["TRCK"].text[0]) == "2/10"
    assert str(after["TIT2"].text[0]) == "Afterglow"
    _rescan_healthy()


def test_full_dates_are_kept_per_file_and_no_date_is_invented(dirs, audio_sources) -> None:
    first = _copy(dirs, audio_sources, "ogg", "album/01.ogg")
    second = _copy(dirs, audio_sources, "ogg", "album/02.ogg")
    third = _copy(dirs, audio_sources, "ogg", "album/03.ogg")
    for number, (path, date) in enumerate(
        [(first, "2005"), (second, "Oct 3, 1995"), (third, None)], start=1
    ):
        audio = OggVorbis(path)
        audio["TITLE"], audio["ARTIST"], audio["ALBUM"] = f"Song {number}", "Kaizers", "Maestro"
        audio["TRACKNUMBER"], audio["TRACKTOTAL"] = str(number), "12"
        audio["DISCNUMBER"], audio["DISCTOTAL"] = "1", "2"
        if date:
            audio["DATE"] = date
        audio.save()

    rows = _import(dirs)

    by_title = {row.track.title: _vorbis(Path(row.path)) for row in rows}
    assert by_title["Song 1"]["DATE"] == ["2005"]
    assert by_title["Song 2"]["DATE"] == ["Oct 3, 1995"]
    assert "DATE" not in by_title["Song 3"]
    for tags in by_title.values():
        assert (tags["TRACKTOTAL"], tags["DISCNUMBER"], tags["DISCTOTAL"]) == (["12"], ["1"], ["2"])
    _rescan_healthy()


# --- finding 8: the container decides the extension --------------------------------------------


def _adts(path: Path) -> Path:
    """A raw ADTS AAC stream (no MP4 container), as some rips and radio captures are."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tone = "sine=frequency=330:sample_rate=44100:duration=3"
    args = [ffmpeg_path(), "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", tone]
    subprocess.run([*args, "-c:a", "aac", "-f", "adts", str(path)], check=True, timeout=60)
    return path


def test_raw_adts_aac_keeps_its_aac_extension(dirs) -> None:
    _adts(dirs.downloads / "Radio" / "Capture" / "01 - Jingle.aac")

    (row,) = _import(dirs)

    assert Path(row.path).suffix == ".aac"
    assert type(mutagen.File(row.path)).__name__ == "AAC"  # still readable as what it is
    _rescan_healthy()


def test_aac_in_mp4_still_lands_as_m4a(dirs, audio_sources) -> None:
    _copy(dirs, audio_sources, "m4a", "Band/Album/01 - Song.m4a")

    (row,) = _import(dirs)

    assert Path(row.path).suffix == ".m4a"
    _rescan_healthy()


# --- finding 7: multi-value artists -------------------------------------------------------------


def _two_artist_flac(dirs: Dirs, audio_sources: dict[str, Path]) -> Path:
    path = _copy(dirs, audio_sources, "flac", "incoming/collab.flac")
    audio = FLAC(path)
    audio["TITLE"], audio["ALBUM"], audio["TRACKNUMBER"] = "Duet", "Together", "1"
    audio["ARTIST"] = ["piman", "jzig"]  # two values, as Picard and foobar2000 write them
    audio.save()
    return path


def test_multi_value_artists_stay_multiple_and_the_first_is_the_catalogue_artist(
    dirs, audio_sources
) -> None:
    _two_artist_flac(dirs, audio_sources)

    (row,) = _import(dirs)

    tags = _vorbis(Path(row.path))
    assert tags["ARTISTS"] == ["piman", "jzig"]
    assert tags["ARTIST"] == ["piman; jzig"]  # the display credit, default separator
    assert row.track.artist.name == "piman"
    assert row.track.credit == "piman; jzig"
    assert Path(row.path).relative_to(dirs.music).parts[0] == "piman"  # not "piman; jzig"
    _rescan_healthy()
    row.refresh_from_db()
    assert row.track.artist.name == "piman"  # the scanner agrees with the importer


def test_the_artist_separator_is_a_setting(dirs, audio_sources, settings) -> None:
    settings.SOULSPOT_ARTIST_SEPARATOR = " / "
    _two_artist_flac(dirs, audio_sources)

    (row,) = _import(dirs)

    tags = _vorbis(Path(row.path))
    assert (tags["ARTIST"], tags["ARTISTS"]) == (["piman / jzig"], ["piman", "jzig"])
    assert row.track.artist.name == "piman"


def test_a_scanned_multi_artist_file_gets_the_same_artist_as_an_imported_one(
    dirs, audio_sources
) -> None:
    source = _two_artist_flac(dirs, audio_sources)
    in_library = dirs.music / "Somewhere" / "collab.flac"
    in_library.parent.mkdir(parents=True)
    shutil.move(source, in_library)

    _rescan_healthy()

    track = TrackFile.objects.select_related("track__artist").get().track
    assert (track.artist.name, track.credit) == ("piman", "piman; jzig")


# --- finding 9: no placeholders in files --------------------------------------------------------


@pytest.mark.parametrize("fmt", ["ogg", "mp3"])
def test_untagged_files_get_no_placeholder_artist_or_folder_name_album(
    dirs, audio_sources, fmt
) -> None:
    _copy(dirs, audio_sources, fmt, f"beets/untagged.{fmt}")  # one folder: no artist in the path

    (row,) = _import(dirs)

    written = mutagen.File(row.path, easy=True).tags or {}
    for key in ("artist", "albumartist", "album"):
        assert key not in written, (key, written.get(key))
    # The catalogue and the folder name still need something to show: placeholders live there.
    assert row.track.artist.name == "Unknown Artist"
    assert Path(row.path).relative_to(dirs.music).parts[0] == "Unknown Artist"
    _rescan_healthy()


def test_a_known_track_still_names_an_untagged_file(dirs, audio_sources) -> None:
    wanted = want(title="Untagged Song", artist="Neon Harbor")
    _copy(dirs, audio_sources, "ogg", "Neon Harbor/Night Drive/03 - Untagged Song.ogg")

    (row,) = _import(dirs)

    assert row.track == wanted
    assert _vorbis(Path(row.path))["ARTIST"] == ["Neon Harbor"]  # the want says so: not a guess


# --- all together: nothing the file said is lost -----------------------------------------------


@pytest.mark.parametrize("fmt", ["flac", "mp3", "ogg", "m4a", "opus"])
def test_every_tag_present_before_is_present_after(dirs, audio_sources, fmt) -> None:
    path = _copy(dirs, audio_sources, fmt, f"rip/track.{fmt}")
    easy = mutagen.File(path, easy=True)
    if easy.tags is None:
        easy.add_tags()
    before = {
        "title": ["Señor Flamingos Adieu"],
        "artist": ["Kaizers Orchestra"],
        "album": ["Maestro"],
        "albumartist": ["Kaizers Orchestra"],
        "tracknumber": ["6/15"],
        "discnumber": ["1/2"],
        "date": ["2005-08-08"],
        "genre": ["Rock"],
    }
    if fmt != "m4a":  # EasyMP4 has no composer key
        before["composer"] = ["Janove Ottesen"]  # a tag SoulSpot does not manage at all
    for key, value in before.items():
        easy[key] = value
    easy.save()
    managed = read_tags(path)

    (row,) = _import(dirs)

    landed = read_tags(Path(row.path))
    for name in ("artists", "musicbrainz_artist_id"):  # added, never lost: not compared
        setattr(landed, name, getattr(managed, name))
    assert landed == managed  # "6/15" may become TRACKNUMBER=6 + TRACKTOTAL=15, same meaning
    after = mutagen.File(row.path, easy=True)
    assert after.get("composer") == before.get("composer")
    _rescan_healthy()


def test_a_file_crediting_more_artists_than_the_catalogue_keeps_them(dirs, audio_sources) -> None:
    first = _copy(dirs, audio_sources, "mp3", "a/duet.mp3")
    tags = ID3()
    tags.add(TIT2(encoding=3, text=["Duet"]))
    tags.add(TPE1(encoding=3, text=["piman"]))  # another copy that names only the first artist
    tags.save(first)
    _import(dirs)
    _two_artist_flac(dirs, audio_sources)

    services.import_folder_now(str(dirs.downloads))

    row = TrackFile.objects.select_related("track__artist").get(path__endswith=".flac")
    tags = _vorbis(Path(row.path))
    assert (tags["ARTIST"], tags["ARTISTS"]) == (["piman; jzig"], ["piman", "jzig"])
    assert row.track.artist.name == "piman"
