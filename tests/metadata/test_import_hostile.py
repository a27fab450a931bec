"""Hostile tags and wants never produce a path outside the music dir, or an unsafe name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from downloads.engine import handoff
from library.models import TrackFile
from library.tagging import TagSet, read_tags, write_tags
from metadata import services
from metadata.models import ImportItem
from tests.metadata.support import downloaded_file, importing_job, want

pytestmark = pytest.mark.django_db
RESERVED = {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}
HOSTILE = {
    "traversal": ("../../etc", "../..", "passwd"),
    "absolute": ("/etc", "/", "/etc/shadow"),
    "windows devices": ("CON", "AUX.flac", "NUL"),
    "very long": ("A" * 300, "B" * 300, "Ü" * 300),
    "nul and controls": ("Ar\x00tist", "Al\x07bum", "Ti\x00tle\r\n"),
    "slashes": ("AC/DC", "Back\\in/Black", "a/b\\c"),
    "right-to-left": ("evil\u202eCALF.exe", "\u200fAlbum", "song\u202egnp.flac"),
    "emoji": ("🎸 Band", "Album 🔥", "Song 👩🏽‍🚀"),
    "dots only": ("...", ". .", ".."),
}


def assert_safe(path: Path, music: Path) -> None:
    assert path.is_file()
    assert path.resolve().is_relative_to(music) and path.resolve() != music
    relative = path.relative_to(music)
    for part in relative.parts:
        assert len(part.encode("utf-8")) <= 255
        assert part not in {"", ".", ".."} and not part.startswith(".")
        assert not any(ord(c) < 32 or c in '\\:*?"<>|\u202e\u200f' for c in part)
        assert part.split(".")[0].upper().strip() not in RESERVED


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_hostile_tags_of_an_adopted_file_give_a_safe_path(case, dirs, audio_sources) -> None:
    artist, album, title = HOSTILE[case]
    folder = dirs.downloads / "incoming"
    folder.mkdir(parents=True)
    path = Path(shutil.copy(audio_sources["flac"], folder / "track.flac"))
    write_tags(path, TagSet(title=title, artist=artist, album=album, track_number=1))

    batch = services.import_folder_now(str(folder))

    assert batch.imported == 1, ImportItem.objects.get().reason
    library_path = Path(TrackFile.objects.get().path)
    assert_safe(library_path, dirs.music)
    assert read_tags(library_path).title  # the tag itself keeps its (cleaned) text


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_a_hostile_want_gives_a_safe_path(case, dirs, audio_sources) -> None:
    artist, _, title = HOSTILE[case]
    job = importing_job(
        want(title=title[:500], artist=artist), downloaded_file(dirs, audio_sources, "mp3")
    )

    handoff.import_download(job.pk)

    job.refresh_from_db()
    assert job.status == "completed", job.status_reason
    assert_safe(Path(job.library_path), dirs.music)


def test_a_symlinked_folder_inside_the_library_cannot_lead_outside(
    dirs, audio_sources, tmp_path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (dirs.music / "Neon Harbor").symlink_to(outside, target_is_directory=True)
    job = importing_job(want(), downloaded_file(dirs, audio_sources, "flac"))

    handoff.import_download(job.pk)

    assert list(outside.rglob("*.flac")) == []
    item = ImportItem.objects.get()
    assert item.state == ImportItem.State.FAILED and "escapes" in item.reason
