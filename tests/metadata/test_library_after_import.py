"""What an import leaves for the library's health checks: true tag scores, organised keepers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from library import services as library_services
from library.models import DuplicateGroup, TrackFile
from library.scanner.reader import read_file
from metadata import services
from tests.metadata.support import Dirs

pytestmark = pytest.mark.django_db


def untagged_song(dirs: Dirs, audio_sources, name: str = "Neon Harbor - Afterglow.flac") -> Path:
    path = dirs.downloads / "in" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(audio_sources["flac"], path)  # no tags: identified by its name
    return path


def test_an_imported_file_is_scored_by_the_tags_written_into_it(dirs, audio_sources) -> None:
    untagged_song(dirs, audio_sources)

    services.import_folder_now(str(dirs.downloads / "in"))

    row = TrackFile.objects.get()
    assert row.tag_score == read_file(row.path).tag_score  # what a scan would say
    assert row.tag_score >= 2  # it arrived with none


def test_the_duplicate_keeper_is_the_organised_file_not_a_stray_copy(dirs, audio_sources) -> None:
    untagged_song(dirs, audio_sources)
    services.import_folder_now(str(dirs.downloads / "in"))
    organised = Path(TrackFile.objects.get().path)
    stray = dirs.music / "x.flac"  # the same bytes, a shorter name: it would win on names
    shutil.copyfile(organised, stray)

    scan = library_services.start_scan(background=False)
    library_services.run_scan(scan.pk)

    group = DuplicateGroup.objects.get()
    assert group.keeper.path == str(organised)
    library_services.resolve_duplicate_group(group.pk)
    assert organised.is_file() and not stray.exists()
