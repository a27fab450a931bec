"""Acceptance (issue 10): a backup taken while a scan runs, restored into an empty data dir,
starts with the same library and jobs, and live jobs are reconciled (finding 14): the one whose
file reached the library is completed, the one whose file did not is queued again, none fails.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tarfile
import threading
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from downloads.models import DownloadJob
from library import services as library_services
from library.models import Album, Artist, Track, TrackFile
from library.scanner.engine import ScanRun
from soulspot.backups import create_backup
from tests.factories import ArtistFactory, CandidateFactory, DownloadJobFactory, TrackFactory
from tests.library.support import music_root, song

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e, pytest.mark.slow]
Status = DownloadJob.Status
COUNTED = {
    "artists": "library_artist",
    "albums": "library_album",
    "tracks": "library_track",
    "files": "library_trackfile",
    "jobs": "downloads_downloadjob",
}


@pytest.fixture(autouse=True)
def _sqlite_only() -> None:
    """These read SQLite files; the PostgreSQL path has its own module (test_backups_postgres)."""
    if os.environ.get("DATABASE_URL"):
        pytest.skip("SQLite backups")


def _live_counts() -> dict[str, int]:
    models = {
        "artists": Artist,
        "albums": Album,
        "tracks": Track,
        "files": TrackFile,
        "jobs": DownloadJob,
    }
    return {name: model.objects.count() for name, model in models.items()}


def _counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as db:
        return {
            name: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for name, table in COUNTED.items()
        }


def _downloading_job(artist: str, title: str) -> DownloadJob:
    """A wanted track (added by name) whose transfer was running when the backup was taken."""
    track = TrackFactory(artist=ArtistFactory(name=artist), title=title, status=Track.Status.WANTED)
    job = DownloadJobFactory(
        track=track, status=Status.DOWNLOADING, attempts=1, transfer_id=str(uuid.uuid4())
    )
    candidate = CandidateFactory(job=job, filename=f"@@peer\\{artist}\\{title}.flac")
    DownloadJob.objects.filter(pk=job.pk).update(candidate=candidate, progress=60)
    return job


def _manage(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOULSPOT_", "SLSKD_"))}
    env.update(
        SOULSPOT_DATA_DIR=str(data_dir),
        SOULSPOT_MUSIC_DIR=str(settings.MUSIC_DIR),
        SOULSPOT_METADATA_PROVIDERS="false",
    )
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_backup_during_a_scan_restores_into_an_empty_data_dir_with_jobs_reconciled(
    tmp_path, monkeypatch
):
    for n in range(30):
        song(music_root(), f"Band {n % 5}", f"Record {n % 10}", n + 1, f"Early {n}")
    first = library_services.start_scan(background=False)
    library_services.run_scan(first.pk)
    arrived = _downloading_job("Wanted Band", "Arrives Later")
    lost = _downloading_job("Lost Band", "Never Arrives")
    # A scan of many new files runs in its own thread while the backup is taken.
    for n in range(300):
        song(music_root(), f"Group {n % 7}", f"Disc {n % 20}", n % 15 + 1, f"Late {n}")
    scan = library_services.start_scan(background=False)
    # The scan pauses after its first committed batch until the backup is taken: the snapshot
    # then always catches it half-way, however fast the machine.
    first_batch, backup_taken = threading.Event(), threading.Event()
    write = ScanRun.write

    def write_then_wait(run: ScanRun, writer: object, batch: list) -> None:
        write(run, writer, batch)
        if not first_batch.is_set():
            first_batch.set()
            backup_taken.wait(timeout=120)

    monkeypatch.setattr(ScanRun, "write", write_then_wait)
    scanning = threading.Thread(target=library_services.run_scan, args=(scan.pk,))
    scanning.start()
    assert first_batch.wait(timeout=120), "the scan wrote no batch"
    archive = create_backup(tmp_path / "backups")
    backup_taken.set()
    scanning.join(timeout=300)

    # The snapshot caught the scan running: it is still active in the backed-up database.
    snapshot = tmp_path / "snapshot.sqlite3"
    with tarfile.open(archive) as tar:
        snapshot.write_bytes(tar.extractfile("database.sqlite3").read())
    with sqlite3.connect(snapshot) as db:
        row = db.execute("SELECT is_active FROM library_libraryscan WHERE id = ?", (scan.pk,))
        assert row.fetchone() == (1,)
        caught = db.execute("SELECT count(*) FROM library_trackfile").fetchone()[0]
    # The scan is still active in the snapshot, with its first batch in and the rest to come.
    assert 30 < caught < 330, caught
    print(f"snapshot taken with {caught} of 330 files catalogued")

    # After the backup, the first download finished and was imported into the library.
    song(music_root(), "Wanted Band", "Later Record", 1, "Arrives Later")
    library_services.run_scan(library_services.start_scan(background=False).pk)
    DownloadJob.objects.filter(pk=arrived.pk).update(status=Status.COMPLETED)
    expected = _live_counts()
    assert expected["files"] == 331

    # Restore into an empty data dir, then start against it.
    data = tmp_path / "restored-data"
    restored = _manage(data, "restore", str(archive))
    assert "1 completed (already in the library), 1 queued again" in restored.stdout
    _manage(data, "migrate", "--check")
    _manage(data, "check")

    database = data / "soulspot.sqlite3"
    assert _counts(database) == expected
    with sqlite3.connect(database) as db:
        status = dict(db.execute("SELECT id, status FROM downloads_downloadjob"))
        attempts = db.execute(
            "SELECT attempts FROM downloads_downloadjob WHERE id = ?", (lost.pk,)
        ).fetchone()[0]
        active_scans = db.execute("SELECT count(*) FROM library_libraryscan WHERE is_active")
        assert active_scans.fetchone()[0] == 0
    assert status == {arrived.pk: Status.COMPLETED, lost.pk: Status.QUEUED}
    assert attempts == 1
    assert (data / "secret_key").read_text() == settings.SECRET_KEY
