"""One batch, one folder per album: the album's year (part of its folder name) is decided from
all of the batch's files before the first is placed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from library.models import Album
from library.tagging import TagSet, write_tags
from metadata import services
from tests.metadata.support import Dirs

pytestmark = pytest.mark.django_db


def put(dirs: Dirs, audio_sources, name: str, **tags: object) -> Path:
    path = dirs.downloads / "rip" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(audio_sources["flac"], path)
    write_tags(path, TagSet(artist="Band", album="Record", **tags))
    return path


def test_an_undated_first_file_does_not_split_its_album(dirs, audio_sources) -> None:
    put(dirs, audio_sources, "01.flac", title="First", track_number=1)  # no date
    put(dirs, audio_sources, "02.flac", title="Second", track_number=2, date="2005-06-01")
    put(dirs, audio_sources, "03.flac", title="Third", track_number=3, date="2005")

    batch = services.import_folder_now(str(dirs.downloads))

    assert batch.imported == 3
    folders = {Path(path).parent for path in batch.items.values_list("library_path", flat=True)}
    assert [folder.name for folder in folders] == ["Record (2005)"]
    assert Album.objects.get().year == 2005


def test_the_year_most_files_give_wins(dirs, audio_sources) -> None:
    put(dirs, audio_sources, "01.flac", title="First", track_number=1, date="2011")  # a reissue
    put(dirs, audio_sources, "02.flac", title="Second", track_number=2, date="1999")
    put(dirs, audio_sources, "03.flac", title="Third", track_number=3, date="1999")

    batch = services.import_folder_now(str(dirs.downloads))

    folders = {
        Path(path).parent.name for path in batch.items.values_list("library_path", flat=True)
    }
    assert folders == {"Record (1999)"}
