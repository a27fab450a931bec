"""Fault injection: the import killed at every step, then run again: nothing lost or doubled."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from downloads.engine import handoff
from downloads.models import DownloadJob
from library.audio import audio_fingerprint
from library.models import TrackFile
from library.safe_files import TEMP_PREFIX
from metadata import services
from metadata.models import ImportItem
from tests.metadata.support import downloaded_file, importing_job, want

pytestmark = pytest.mark.django_db
LINK_STEPS = [
    "import:staged",
    "renamed",
    "source_removed",
    "import:placed",
    "import:source_removed",
    "import:recorded",
]
COPY_STEPS = [
    "import:staged",
    "copied",
    "verified",
    "renamed",
    "source_removed",
    "import:placed",
    "import:source_removed",
    "import:recorded",
]


class Killed(BaseException):
    """Stands in for the process dying: nothing after it runs, no `except Exception` sees it."""


def kill_at(step: str):
    def hook(current: str) -> None:
        if current == step:
            raise Killed(step)

    return hook


@pytest.fixture
def no_hard_links(monkeypatch: pytest.MonkeyPatch) -> None:
    """A filesystem without hard links (SMB, FAT): safe_move falls back to copy + verify."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", refuse)


def recorded_steps(dirs, audio_sources) -> list[str]:
    steps: list[str] = []
    job = importing_job(want(title="Probe"), downloaded_file(dirs, audio_sources, "flac", "probe"))
    handoff.import_download(job.pk, crash_hook=steps.append)
    return steps


def test_the_steps_under_test_are_the_steps_the_import_takes(dirs, audio_sources) -> None:
    assert recorded_steps(dirs, audio_sources) == LINK_STEPS


def test_without_hard_links_the_copy_steps_are_taken(dirs, audio_sources, no_hard_links) -> None:
    assert recorded_steps(dirs, audio_sources) == COPY_STEPS


@pytest.mark.parametrize("step", LINK_STEPS)
def test_killed_during_a_same_filesystem_move(step, dirs, audio_sources) -> None:
    check_crash_and_restart(step, dirs, audio_sources)


@pytest.mark.parametrize("step", COPY_STEPS)
def test_killed_during_a_copying_move(step, dirs, audio_sources, no_hard_links) -> None:
    check_crash_and_restart(step, dirs, audio_sources)


def check_crash_and_restart(step: str, dirs, audio_sources) -> None:
    source = downloaded_file(dirs, audio_sources, "flac")
    audio = audio_fingerprint(source)
    job = importing_job(want(), source)

    with pytest.raises(Killed):
        handoff.import_download(job.pk, crash_hook=kill_at(step))

    in_library = dirs.library_files()
    assert source.exists() or [audio_fingerprint(p) for p in in_library] == [audio]

    handoff.import_download(job.pk)  # the worker restarts and runs the task again

    job.refresh_from_db()
    assert job.status == DownloadJob.Status.COMPLETED
    assert dirs.library_files() == [Path(job.library_path)]
    assert audio_fingerprint(Path(job.library_path)) == audio
    assert not source.exists()
    assert TrackFile.objects.get().path == job.library_path
    assert ImportItem.objects.get().state == ImportItem.State.IMPORTED
    leftovers = [p for p in dirs.music.rglob(f"{TEMP_PREFIX}*")]
    assert leftovers == []
    assert not dirs.recycle.exists() or not any(dirs.recycle.rglob("*.flac"))


@pytest.mark.parametrize("where", ["disk", "records"])
def test_a_folder_import_killed_mid_chunk_resumes_without_loss_or_duplicates(
    where, dirs, audio_sources, monkeypatch
) -> None:
    import shutil

    from library.tagging import TagSet, write_tags
    from metadata import tasks
    from metadata.importer import landing, library_records, placement
    from metadata.models import ImportBatch

    sources = []
    for n in range(12):
        path = dirs.downloads / "in" / f"{n:02d}.flac"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(audio_sources["flac"], path)
        write_tags(path, TagSet(title=f"Song {n}", artist="Band", album="Album", track_number=n))
        sources.append(path)
    calls = []
    real_link, real_record = placement.link_into_place, library_records.record_files

    def dying_link(*args, **kwargs):
        calls.append(1)
        if len(calls) == 5:
            raise Killed("disk")
        return real_link(*args, **kwargs)

    def dying_record(*args, **kwargs):
        raise Killed("records")

    if where == "disk":
        monkeypatch.setattr(landing.placement, "link_into_place", dying_link)
    else:
        monkeypatch.setattr(landing.library_records, "record_files", dying_record)
    batch = ImportBatch.objects.create(path=str(dirs.downloads / "in"))

    with pytest.raises(Killed):
        services.run_folder_import(batch.pk)
    for source in sources:  # at every moment each file is somewhere
        assert source.exists() or any(
            p.name.endswith(f"Song {int(source.stem)}.flac") for p in dirs.library_files()
        )

    monkeypatch.setattr(landing.placement, "link_into_place", real_link)
    monkeypatch.setattr(landing.library_records, "record_files", real_record)
    tasks.resume_folder_import(batch.pk)

    batch.refresh_from_db()
    assert (batch.status, batch.imported, batch.done, batch.total) == ("completed", 12, 12, 12)
    assert len(dirs.library_files()) == 12 and TrackFile.objects.count() == 12
    assert not any(source.exists() for source in sources)
    assert list(dirs.music.rglob(f"{TEMP_PREFIX}*.json")) == []
