"""Import records follow later replacements: when a better file replaces one an earlier import
placed, the earlier record says by which import and where its file went."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fakes.audio import make_audio
from library.tagging import TagSet, write_tags
from metadata import services
from metadata.models import ImportItem
from tests.metadata.support import Dirs

pytestmark = pytest.mark.django_db


def put(dirs: Dirs, source: Path, relative: str) -> Path:
    path = dirs.downloads / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, path)
    write_tags(path, TagSet(title="Song", artist="Band", album="Record", track_number=1))
    return path


def imported_item(folder: Path) -> ImportItem:
    batch = services.import_folder_now(str(folder))
    assert batch.imported == 1
    return batch.items.get()


@pytest.mark.parametrize(
    ("worse", "better"),
    [
        (("mp3", 96), ("flac", None)),  # another name: the worse file is retired
        (("mp3", 96), ("mp3", 320)),  # the same name: the worse file is moved off it first
    ],
)
def test_the_replaced_import_record_names_its_successor(dirs, tmp_path, worse, better) -> None:
    low = make_audio(tmp_path / f"low.{worse[0]}", bitrate_kbps=worse[1], seed=3)
    high = make_audio(tmp_path / f"high.{better[0]}", bitrate_kbps=better[1], seed=3)
    put(dirs, low, f"first/song.{worse[0]}")
    first = imported_item(dirs.downloads / "first")
    put(dirs, high, f"second/song.{better[0]}")

    second = imported_item(dirs.downloads / "second")

    first.refresh_from_db()
    assert first.replaced_by_id == second.pk
    assert Path(first.set_aside_path).is_file()
    assert Path(first.set_aside_path).is_relative_to(dirs.recycle)
    assert Path(second.library_path).is_file() and second.replaced_by_id is None


def test_the_api_shows_the_successor(dirs, tmp_path, api_client) -> None:
    put(dirs, make_audio(tmp_path / "low.mp3", bitrate_kbps=96, seed=3), "first/song.mp3")
    first = imported_item(dirs.downloads / "first")
    put(dirs, make_audio(tmp_path / "high.flac", seed=3), "second/song.flac")
    second = imported_item(dirs.downloads / "second")

    items = api_client.get("/api/metadata/import-items").json()["items"]

    assert {item["id"]: item["replaced_by_id"] for item in items} == {
        first.pk: second.pk,
        second.pk: None,
    }
