"""Leftovers of crashes and full disks are recovered or removed, never while their job is live.

Decisions: a half-written journal (`.json-new`) and an unjournalled staging copy hold no user
data (the import had not moved its source yet), so they are removed; a temporary copy that lost
its journal cannot be verified and its source may be gone, so it goes to the recycle bin.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from library.safe_files import TEMP_PREFIX, safe_move
from metadata import tasks
from metadata.models import ImportBatch, ImportItem
from metadata.services import LEFTOVER_MIN_AGE
from tests.metadata.support import Dirs

pytestmark = pytest.mark.django_db


class Crash(Exception):
    pass


def _crash_at(step: str):
    def hook(current: str) -> None:
        if current == step:
            raise Crash(step)

    return hook


def _age(*paths: Path, seconds: float = LEFTOVER_MIN_AGE + 60) -> None:
    for path in paths:
        os.utime(path, (time.time() - seconds,) * 2)


def _temp_files(root: Path) -> list[Path]:
    return sorted(root.rglob(f"{TEMP_PREFIX}*"))


def _interrupted_move(dirs: Dirs, audio_sources) -> tuple[Path, Path]:
    """A move across filesystems that died after its copy was in place, before the source went."""
    src = dirs.downloads / "song.flac"
    shutil.copyfile(audio_sources["flac"], src)
    dest = dirs.music / "Artist" / "Album" / "01 - Song.flac"
    with pytest.raises(Crash):
        safe_move(src, dest, allow_link=False, crash_hook=_crash_at("renamed"))
    return src, dest


def test_an_interrupted_move_is_finished(dirs, audio_sources) -> None:
    src, dest = _interrupted_move(dirs, audio_sources)
    _age(*_temp_files(dirs.music))

    message = tasks.clean_leftovers()

    assert dest.is_file() and not src.exists()
    assert _temp_files(dirs.music) == []
    assert message.startswith("1 interrupted moves handled")


def test_a_move_still_in_progress_is_left_alone(dirs, audio_sources) -> None:
    src, dest = _interrupted_move(dirs, audio_sources)
    journal = _temp_files(dirs.music)

    tasks.clean_leftovers()

    assert src.is_file() and dest.is_file()
    assert _temp_files(dirs.music) == journal  # the journal its move still needs


def test_old_half_written_journals_are_removed_and_orphan_copies_recycled(dirs) -> None:
    album = dirs.music / "Artist" / "Album"
    album.mkdir(parents=True)
    empty_journals = [album / f"{TEMP_PREFIX}{n:016x}.json-new" for n in range(3)]
    orphan = album / f"{TEMP_PREFIX}00000000000000aa.part"
    orphan.write_bytes(b"maybe the only copy of a song")
    for journal in empty_journals:
        journal.touch()  # what a full disk leaves: zero bytes
    fresh = album / f"{TEMP_PREFIX}00000000000000bb.json-new"
    fresh.touch()
    _age(orphan, *empty_journals)

    tasks.clean_leftovers()

    assert _temp_files(dirs.music) == [fresh]
    recycled = [p for p in dirs.recycle.rglob("*") if p.name == orphan.name]
    assert len(recycled) == 1 and recycled[0].read_bytes() == b"maybe the only copy of a song"
    assert recycled[0].with_name(orphan.name + ".reason.txt").is_file()


def test_staging_copies_of_a_live_import_are_kept_and_abandoned_ones_removed(dirs) -> None:
    staging = dirs.music / ".soulspot-staging"
    staging.mkdir()
    being_tagged = staging / f"{TEMP_PREFIX}0000000000000001.flac"  # not journalled yet
    journalled = staging / f"{TEMP_PREFIX}0000000000000002.flac"  # its import will land it
    abandoned = staging / f"{TEMP_PREFIX}0000000000000003.flac"
    for path in (being_tagged, journalled, abandoned):
        path.write_bytes(b"tagged copy")
    batch = ImportBatch.objects.create(path=str(dirs.downloads), status="running")
    ImportItem.objects.create(
        batch=batch,
        source_path=str(dirs.downloads / "b.flac"),
        state=ImportItem.State.STAGED,
        staged_path=str(journalled),
    )
    _age(journalled, abandoned)

    message = tasks.clean_leftovers()

    assert being_tagged.exists() and journalled.exists() and not abandoned.exists()
    assert message.endswith("1 staging copies removed")
