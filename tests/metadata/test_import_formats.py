"""The importer takes APE, WMA, DSF and AC-3 files: tags read from APEv2/ASF/ID3 and written
back in the same container, or "tags not written" when the format has none (issue 11)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from fakes.audio import ffmpeg_path
from library.models import TrackFile
from library.tagging import TagSet, read_tags, write_tags
from metadata import services
from metadata.importer import paths
from tests.library.formats_support import make
from tests.metadata.support import Dirs

pytestmark = pytest.mark.django_db

TAGS = TagSet(
    title="Señor Flamingos Adieu",
    artist="Kaizers Orchestra",
    album="Maestro",
    track_number=6,
    track_total=15,
    date="2005-08-15",
)


@pytest.mark.parametrize(("ext", "fmt"), [("ape", "ape"), ("wma", "wma"), ("dsf", "dsd")])
def test_tagged_files_of_other_formats_are_imported_under_their_tags(
    dirs: Dirs, ext: str, fmt: str
) -> None:
    source = make(dirs.downloads / "mutagen" / f"issue_29.{ext}")
    write_tags(source, TAGS)

    batch = services.import_folder_now(str(dirs.downloads))

    assert batch.failed == 0, list(batch.items.values_list("reason", flat=True))
    row = TrackFile.objects.select_related("track__artist", "track__album").get()
    assert (row.format, row.track.title, row.track.artist.name) == (
        fmt,
        "Señor Flamingos Adieu",
        "Kaizers Orchestra",
    )
    assert row.path.endswith(f".{ext}") and "Maestro" in row.path
    after = read_tags(row.path)  # written back in the file's own container, nothing lost
    assert (after.title, after.artist, after.album) == (TAGS.title, TAGS.artist, TAGS.album)
    assert (after.track_number, after.track_total) == (6, 15)
    assert batch.items.get().reason == ""


def test_a_format_without_tags_is_imported_and_says_tags_were_not_written(dirs: Dirs) -> None:
    make(dirs.downloads / "Kaizers Orchestra" / "Maestro" / "06 - Señor Flamingos Adieu.ac3")

    batch = services.import_folder_now(str(dirs.downloads))

    assert batch.failed == 0, list(batch.items.values_list("reason", flat=True))
    row = TrackFile.objects.get()
    assert row.format == "ac3" and row.path.endswith(".ac3")
    assert batch.items.get().reason == "tags not written: format has no tag support (AC3 files)"


def test_a_folder_import_takes_an_mp3_without_an_extension_as_a_scan_does(
    dirs, audio_sources
) -> None:
    """Both ask `walk.is_audio_file`: the file's first bytes decide when its name cannot."""
    incoming = dirs.downloads / "no-extension"
    incoming.mkdir(parents=True)
    shutil.copyfile(audio_sources["mp3"], incoming / "track01")
    (incoming / "notes").write_text("not audio, no extension either")

    batch = services.import_folder_now(str(incoming))

    assert (batch.imported, batch.failed) == (1, 0), list(batch.items.values_list("reason"))
    assert TrackFile.objects.get().path.endswith(".mp3")


def test_an_audiobook_keeps_its_m4b_name(dirs: Dirs) -> None:
    """Players keep an .m4b's place and chapters; renamed .m4a it would be just another song."""
    source = make(dirs.downloads / "Author" / "Book" / "01 - Chapter.m4b")
    write_tags(source, TagSet(title="Chapter", artist="Author", album="Book", track_number=1))

    batch = services.import_folder_now(str(dirs.downloads))

    assert batch.failed == 0, list(batch.items.values_list("reason", flat=True))
    assert TrackFile.objects.get().path.endswith(".m4b")


def test_a_format_gets_its_own_extension_or_keeps_the_sources() -> None:
    nameless = Path("/in/no-extension")
    assert paths.extension_for("ape", nameless) == ".ape"
    assert paths.extension_for("wv", Path("/in/x.WV")) == ".wv"
    # DSD has two containers (.dsf, .dff): the source's name says which.
    assert paths.extension_for("dsd", Path("/in/x.dff")) == ".dff"
    assert paths.extension_for("dsd", nameless) == ".audio"


def test_an_mp3_inside_a_wav_keeps_its_wav_name_and_ranks_as_an_mp3(dirs: Dirs) -> None:
    source = dirs.downloads / "Band" / "Album" / "01 - Song.wav"
    source.parent.mkdir(parents=True)
    tone = ["-f", "lavfi", "-i", "sine=frequency=300:duration=4", "-c:a", "libmp3lame"]
    command = [ffmpeg_path(), "-nostdin", "-loglevel", "error", *tone, "-b:a", "192k"]
    subprocess.run([*command, "-f", "wav", str(source)], check=True)

    batch = services.import_folder_now(str(dirs.downloads))

    assert batch.failed == 0, list(batch.items.values_list("reason", flat=True))
    row = TrackFile.objects.get()
    assert row.path.endswith(".wav")  # the container names the file; renamed, no one reads it
    assert (row.format, row.quality) == ("mp3", "mp3_192")
