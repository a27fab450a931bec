"""The contract with the download engine: re-runs, lost files, retries that never loop."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from downloads import tasks as download_tasks
from downloads.engine import handoff
from downloads.models import Candidate, DownloadJob
from library.models import Track
from library.safe_files import TEMP_PREFIX
from metadata import tasks
from metadata.models import ImportBatch, ImportItem
from soulspot.lib.processes import holder_id
from tests.factories import CandidateFactory
from tests.metadata.support import downloaded_file, importing_job, want

pytestmark = pytest.mark.django_db


def test_a_vanished_download_sends_the_job_back_without_blaming_the_file(
    dirs, audio_sources
) -> None:
    source = downloaded_file(dirs, audio_sources, "flac")
    job = importing_job(want(), source)
    source.unlink()

    message = download_tasks.import_download(job.pk)

    job.refresh_from_db()
    assert "file not found" in message
    assert job.status == DownloadJob.Status.QUEUED
    assert Candidate.objects.get().state == Candidate.State.FAILED  # not "wrong"


def test_an_import_that_keeps_crashing_gives_the_job_back(dirs, audio_sources, monkeypatch) -> None:
    job = importing_job(want(), downloaded_file(dirs, audio_sources, "mp3"))

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("metadata.importer.pipeline.placement.stage", crash)
    for _ in range(handoff.MAX_ATTEMPTS):
        with pytest.raises(OSError):
            download_tasks.import_download(job.pk)

    message = download_tasks.import_download(job.pk)

    job.refresh_from_db()
    assert "import failed 3 times" in message and "No space left" in message
    assert job.status == DownloadJob.Status.QUEUED
    assert ImportItem.objects.get().state == ImportItem.State.FAILED


def test_a_verdict_reached_before_a_crash_is_still_reported(
    dirs, audio_sources, monkeypatch
) -> None:
    source = downloaded_file(dirs, audio_sources, "flac")
    job = importing_job(want(duration_ms=500_000), source)
    monkeypatch.setattr(
        "downloads.engine.handoff.download_services.fail_candidate",
        lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt),
    )
    with pytest.raises(KeyboardInterrupt):
        download_tasks.import_download(job.pk)
    monkeypatch.undo()

    download_tasks.import_download(job.pk)

    job.refresh_from_db()
    assert job.status == DownloadJob.Status.QUEUED
    assert Candidate.objects.get().state == Candidate.State.WRONG
    assert ImportItem.objects.get().state == ImportItem.State.QUARANTINED


def test_the_next_candidate_at_the_same_path_gets_a_fresh_import(dirs, audio_sources) -> None:
    track = want(duration_ms=500_000)
    source = downloaded_file(dirs, audio_sources, "flac")
    job = importing_job(track, source)
    handoff.import_download(job.pk)  # wrong length: quarantined, back to the queue
    downloaded_file(dirs, audio_sources, "flac")  # the next candidate lands at the same path
    candidate = CandidateFactory(job=job, size=source.stat().st_size)
    DownloadJob.objects.filter(pk=job.pk).update(
        status=DownloadJob.Status.IMPORTING,
        candidate=candidate,
        local_path=str(source),
        state_changed_at=timezone.now() + timedelta(seconds=1),
    )
    Track.objects.filter(pk=track.pk).update(duration_ms=3000)

    handoff.import_download(job.pk)

    job.refresh_from_db()
    assert job.status == DownloadJob.Status.COMPLETED
    assert ImportItem.objects.count() == 2


def test_stalled_imports_are_picked_up_again(dirs, audio_sources, monkeypatch) -> None:
    queued = []
    monkeypatch.setattr("downloads.engine.handoff.enqueue", lambda *args: queued.append(args))
    stale = timezone.now() - timedelta(hours=1)
    job = importing_job(want(), downloaded_file(dirs, audio_sources, "flac"))
    DownloadJob.objects.filter(pk=job.pk).update(state_changed_at=stale)
    importing_job(
        want(title="Other"), downloaded_file(dirs, audio_sources, "mp3", "x")
    )  # fresh: not stalled

    message = download_tasks.resume_handoffs()

    assert queued == [("downloads.tasks.import_download", job.pk)]
    assert message == "re-queued 1 imports"


def test_stalled_folder_imports_and_stale_staging_copies_are_handled(dirs, monkeypatch) -> None:
    queued = []
    monkeypatch.setattr("metadata.services.enqueue", lambda *args: queued.append(args))
    stale = timezone.now() - timedelta(hours=1)
    batch = ImportBatch.objects.create(path="/in", status="running")
    ImportBatch.objects.filter(pk=batch.pk).update(updated_at=stale)
    staging = dirs.music / ".soulspot-staging"
    staging.mkdir()
    old_copy = staging / f"{TEMP_PREFIX}abandoned.flac"
    old_copy.write_bytes(b"x")
    os.utime(old_copy, (time.time() - 3 * 86400,) * 2)
    new_copy = staging / f"{TEMP_PREFIX}in-use.flac"
    new_copy.write_bytes(b"x")

    message = tasks.resume_imports()
    cleaned = tasks.clean_leftovers()

    assert queued == [("metadata.tasks.resume_folder_import", batch.pk)]
    assert message == "re-queued 1 folder imports"
    assert not old_copy.exists() and new_copy.exists()
    assert "1 staging copies removed" in cleaned


def test_a_job_that_is_not_importing_is_left_alone(dirs, audio_sources) -> None:
    job = importing_job(want(), downloaded_file(dirs, audio_sources, "flac"))
    DownloadJob.objects.filter(pk=job.pk).update(status=DownloadJob.Status.CANCELLED)

    assert (
        download_tasks.import_download(job.pk) == f"job #{job.pk} is cancelled: nothing to import"
    )
    assert download_tasks.import_download(999999) == "job #999999 is gone"
    assert Path(job.local_path).exists()


def _dead_runner() -> str:
    """The "host:pid" of a process of this host that has exited."""
    child = subprocess.Popen(["true"])
    child.wait()
    return f"{socket.gethostname()}:{child.pid}"


def test_an_import_records_the_process_running_it(dirs, audio_sources, monkeypatch) -> None:
    job = importing_job(want(), downloaded_file(dirs, audio_sources, "flac"))
    monkeypatch.setattr(
        "metadata.importer.pipeline.placement.stage",
        lambda *a, **k: (_ for _ in ()).throw(OSError(5, "worker killed here")),
    )
    with pytest.raises(OSError):
        download_tasks.import_download(job.pk)

    assert ImportItem.objects.get().runner == holder_id()


def test_an_import_whose_worker_died_is_taken_over_within_the_minute(
    dirs, audio_sources, monkeypatch
) -> None:
    queued = []
    monkeypatch.setattr("downloads.engine.handoff.enqueue", lambda *args: queued.append(args))
    job = importing_job(want(), downloaded_file(dirs, audio_sources, "flac"))
    item = ImportItem.objects.create(source_path=job.local_path, runner=_dead_runner())
    DownloadJob.objects.filter(pk=job.pk).update(import_item=item)  # record moved seconds ago

    first = download_tasks.take_over_dead_handoffs()
    second = download_tasks.take_over_dead_handoffs()  # the next minute, before it ran
    download_tasks.import_download(job.pk)

    assert queued == [("downloads.tasks.import_download", job.pk)]
    assert (first, second) == ("took over 1 imports", "took over 0 imports")
    assert download_tasks.resume_handoffs() == "re-queued 0 imports"  # not quiet long enough
    job.refresh_from_db()
    assert job.status == DownloadJob.Status.COMPLETED


@pytest.mark.parametrize("runner", ["this process", "other-host:1"])
def test_an_import_whose_runner_lives_or_cannot_be_checked_is_left_alone(
    dirs, audio_sources, monkeypatch, runner: str
) -> None:
    queued = []
    monkeypatch.setattr("downloads.engine.handoff.enqueue", lambda *args: queued.append(args))
    job = importing_job(want(), downloaded_file(dirs, audio_sources, "flac"))
    runner = holder_id() if runner == "this process" else runner
    item = ImportItem.objects.create(source_path=job.local_path, runner=runner)
    DownloadJob.objects.filter(pk=job.pk).update(import_item=item)

    assert download_tasks.take_over_dead_handoffs() == "took over 0 imports"
    assert queued == [] and ImportItem.objects.get().runner == runner
