"""A folder import whose worker is killed outright (kill -9) resumes within a minute of the
worker's return, and imports every file exactly once."""

from __future__ import annotations

import shutil
import time

import pytest
from django.conf import settings

from fakes.audio import make_audio
from library.models import TrackFile
from library.tagging import TagSet, write_tags
from metadata.models import ImportBatch, ImportItem
from soulspot.lib.queue import enqueue
from tests.engine_support import kill_hard, start_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e, pytest.mark.slow]
FILES = 120


def _wait(predicate, timeout: float, what: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.2)
    batch = ImportBatch.objects.values("status", "done", "imported", "runner").first()
    raise AssertionError(f"{what} not within {timeout} s: {batch}")


def test_an_import_killed_with_its_worker_resumes_within_a_minute(slskd_factory, tmp_path) -> None:
    fake = slskd_factory()
    source = tmp_path / "incoming"
    source.mkdir()
    audio = make_audio(tmp_path / "source.flac", seconds=1, seed=3)
    for n in range(FILES):
        path = source / f"{n:03d}.flac"
        shutil.copyfile(audio, path)
        write_tags(path, TagSet(title=f"Song {n}", artist="Band", album="Many", track_number=n))
    batch = ImportBatch.objects.create(path=str(source))
    worker = start_worker(fake, settings.DATA_DIR, SOULSPOT_WORKERS="1")
    try:
        enqueue("metadata.tasks.run_folder_import", batch.pk)
        _wait(lambda: ImportItem.objects.filter(batch=batch).exists(), 120, "import started")
        kill_hard(worker)
        interrupted = ImportBatch.objects.get(pk=batch.pk)
        worker = start_worker(fake, settings.DATA_DIR, SOULSPOT_WORKERS="1")
        enqueue("metadata.tasks.resume_imports")  # what the one-minute schedule does
        done = ImportBatch.Status.COMPLETED
        took = _wait(
            lambda: ImportBatch.objects.filter(pk=batch.pk, status=done).exists(), 120, "resumed"
        )
    finally:
        kill_hard(worker)
    print(f"killed at {interrupted.done}/{FILES}; resumed and finished {took:.1f} s after restart")
    assert interrupted.status == ImportBatch.Status.RUNNING and interrupted.done < FILES
    batch.refresh_from_db()
    assert (batch.imported, batch.failed, batch.done) == (FILES, 0, FILES)
    assert TrackFile.objects.count() == FILES
    music = [p for p in settings.MUSIC_DIR.rglob("*.flac") if ".soulspot" not in str(p)]
    assert len(music) == FILES and not list(source.glob("*.flac"))
