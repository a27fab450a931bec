"""A folder import whose worker was killed resumes within a minute, and never runs twice."""

from __future__ import annotations

import shutil
import socket
import subprocess

import pytest

from metadata import tasks
from metadata.models import ImportBatch
from metadata.schedules import SCHEDULES
from tests.metadata.support import Dirs

pytestmark = pytest.mark.django_db


def _dead_pid() -> int:
    finished = subprocess.Popen(["true"])
    finished.wait()
    return finished.pid


def _running_batch(dirs: Dirs, audio_sources, pid: int) -> ImportBatch:
    """A batch its runner (process `pid`) was working on a moment ago."""
    for n in range(2):
        shutil.copyfile(audio_sources["flac"], dirs.downloads / f"{n}.flac")
    batch = ImportBatch.objects.create(path=str(dirs.downloads))
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.RUNNING, runner=f"{socket.gethostname()}:{pid}"
    )
    return batch


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    calls: list[tuple] = []
    monkeypatch.setattr("metadata.services.enqueue", lambda *args: calls.append(args))
    return calls


def test_an_import_whose_runner_died_is_resumed_at_the_next_minute(
    dirs, audio_sources, queued
) -> None:
    dirs.downloads.mkdir(parents=True, exist_ok=True)
    batch = _running_batch(dirs, audio_sources, _dead_pid())

    assert tasks.resume_imports() == "re-queued 1 folder imports"
    assert queued == [("metadata.tasks.resume_folder_import", batch.pk)]
    assert "2 imported" in tasks.resume_folder_import(batch.pk)
    assert {s.name: s.minutes for s in SCHEDULES}["resume-imports"] == 1


def test_an_import_whose_runner_lives_is_neither_resumed_nor_run_twice(
    dirs, audio_sources, queued
) -> None:
    dirs.downloads.mkdir(parents=True, exist_ok=True)
    with subprocess.Popen(["sleep", "30"]) as alive:
        batch = _running_batch(dirs, audio_sources, alive.pid)
        assert tasks.resume_imports() == "re-queued 0 folder imports"
        message = tasks.resume_folder_import(batch.pk)
        alive.kill()
    assert message == f"folder import #{batch.pk} is not waiting to run"
    assert queued == []
    assert ImportBatch.objects.get(pk=batch.pk).imported == 0
