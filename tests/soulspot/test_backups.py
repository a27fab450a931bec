"""Backups (`manage.py backup`, the daily task) and the refusals of `restore`, on real files."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from soulspot.backups import (
    BackupError,
    RestoreRefused,
    create_backup,
    list_backups,
    prune_backups,
    restore_backup,
)
from soulspot.backups.runlock import hold_serve_lock, serve_is_running
from soulspot.tasks import backup_now
from tests.factories import ArtistFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sqlite_only() -> None:
    """These read SQLite files; the PostgreSQL path has its own module (test_backups_postgres)."""
    if os.environ.get("DATABASE_URL"):
        pytest.skip("SQLite backups")


def _members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}


def _snapshot_rows(archive: Path, tmp_path: Path, sql: str) -> list[tuple]:
    db = tmp_path / "snapshot.sqlite3"
    db.write_bytes(_members(archive)["database.sqlite3"])
    with sqlite3.connect(db) as check:
        return check.execute(sql).fetchall()


def test_backup_command_writes_one_archive_with_database_key_and_manifest(tmp_path, capsys):
    ArtistFactory(name="Backed Up")
    out = tmp_path / "out"

    call_command("backup", "--output", str(out))

    archives = list(out.iterdir())
    assert [a.name for a in archives] == [capsys.readouterr().out.strip().rsplit("/", 1)[-1]]
    assert archives[0].name.startswith("soulspot-backup-") and archives[0].suffixes[-2:] == [
        ".tar",
        ".gz",
    ]
    assert oct(archives[0].stat().st_mode & 0o777) == "0o600"
    members = _members(archives[0])
    assert set(members) == {"manifest.json", "secret_key", "database.sqlite3"}
    manifest = json.loads(members["manifest.json"])
    assert manifest["database_vendor"] == "sqlite"
    assert manifest["soulspot_version"] == settings.VERSION
    assert manifest["settings"]["MUSIC_DIR"] == str(settings.MUSIC_DIR)
    assert members["secret_key"].decode() == settings.SECRET_KEY
    # The test's own (uncommitted) rows are not in a snapshot of committed data, but the
    # schema is: the snapshot is a real, complete SQLite database.
    rows = _snapshot_rows(archives[0], tmp_path, "PRAGMA integrity_check")
    assert rows == [("ok",)]


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_while_another_process_writes_is_one_consistent_moment(tmp_path):
    """WAL database, a writer committing pairs of rows all along: every snapshot holds whole
    pairs (never one half of a transaction) and passes the integrity check."""
    database = Path(connection.settings_dict["NAME"])
    with sqlite3.connect(database) as setup:
        setup.execute("CREATE TABLE IF NOT EXISTS backup_pairs (n INTEGER, half INTEGER)")
    stop = threading.Event()

    def write_pairs() -> None:
        writer = sqlite3.connect(database, timeout=20)
        n = 0
        while not stop.is_set():
            with writer:
                writer.execute("INSERT INTO backup_pairs VALUES (?, 0)", (n,))
                writer.execute("INSERT INTO backup_pairs VALUES (?, 1)", (n,))
            n += 1
        writer.close()

    thread = threading.Thread(target=write_pairs)
    thread.start()
    try:
        archives = [create_backup(tmp_path / "out") for _ in range(3)]
    finally:
        stop.set()
        thread.join()
        with sqlite3.connect(database) as cleanup:
            cleanup.execute("DROP TABLE backup_pairs")
    counts = []
    for archive in archives:
        count = _snapshot_rows(archive, tmp_path, "SELECT count(*) FROM backup_pairs")[0][0]
        assert count % 2 == 0
        assert _snapshot_rows(archive, tmp_path, "PRAGMA integrity_check") == [("ok",)]
        counts.append(count)
    assert counts[-1] > 0
    assert len({a.name for a in archives}) == 3  # same second: distinct names, none replaced


def test_a_failed_backup_leaves_nothing_that_looks_like_a_backup(tmp_path, monkeypatch):
    from soulspot.backups import database

    def disk_full(folder: Path) -> str:
        (folder / "database.sqlite3").write_bytes(b"half a database")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(database, "snapshot_database", disk_full)
    with pytest.raises(OSError):
        create_backup(tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert list_backups(tmp_path) == []


def test_the_daily_task_keeps_the_newest_and_never_touches_other_files(settings, tmp_path):
    settings.SOULSPOT_BACKUP_DIR = tmp_path
    settings.SOULSPOT_BACKUP_KEEP = 2
    old = ["soulspot-backup-20200101-000000.tar.gz", "soulspot-backup-20200102-000000.tar.gz"]
    for name in old:
        (tmp_path / name).write_bytes(b"old")
    foreign = ["my-notes.txt", "soulspot-backup-20200101-000000.tar.gz.keep"]
    for name in foreign:
        (tmp_path / name).write_bytes(b"mine")

    result = backup_now()

    names = sorted(p.name for p in tmp_path.iterdir())
    newest = [b.name for b in list_backups(tmp_path)]
    assert len(newest) == 2 and newest[1] == old[1]
    assert newest[0] in result
    assert old[0] not in names
    assert set(foreign) <= set(names)


def test_pruning_never_removes_the_last_backup(tmp_path):
    (tmp_path / "soulspot-backup-20200101-000000.tar.gz").write_bytes(b"x")
    assert prune_backups(0, tmp_path) == []
    assert len(list_backups(tmp_path)) == 1


def test_the_daily_backup_is_scheduled():
    from soulspot.schedules import SCHEDULES

    daily = [s for s in SCHEDULES if s.func == "soulspot.tasks.backup_now"]
    assert daily and daily[0].minutes == 24 * 60


def test_restore_refuses_while_serve_holds_its_lock(tmp_path):
    archive = create_backup(tmp_path)
    lock = hold_serve_lock()
    try:
        assert serve_is_running()
        with pytest.raises(RestoreRefused, match="SoulSpot is running"):
            restore_backup(archive, force=True)
    finally:
        lock.close()
    assert not serve_is_running()


def test_restore_refuses_a_database_with_rows_without_force(tmp_path):
    archive = create_backup(tmp_path)
    ArtistFactory()
    before = Path(connection.settings_dict["NAME"]).stat().st_ino

    with pytest.raises(RestoreRefused, match="--force"):
        restore_backup(archive)

    assert Path(connection.settings_dict["NAME"]).stat().st_ino == before


def _archive(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _manifest(**changes: object) -> bytes:
    manifest = {
        "format": 1,
        "soulspot_version": "0.1.0",
        "database_vendor": "sqlite",
        "database_file": "database.sqlite3",
        "created_at": "2026-01-01T00:00:00+00:00",
        "settings": {},
    }
    return json.dumps({**manifest, **changes}).encode()


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"secret_key": b"k", "database.sqlite3": b""}, "manifest.json"),
        ({"manifest.json": b"not json", "secret_key": b"k"}, "not JSON"),
        ({"manifest.json": _manifest(format=99), "secret_key": b"k"}, "understands"),
        (
            {
                "manifest.json": _manifest(
                    database_vendor="postgresql", database_file="database.pgdump"
                ),
                "secret_key": b"k",
                "database.pgdump": b"x",
            },
            "postgresql database",
        ),
        (
            {"manifest.json": _manifest(database_file="../../etc/passwd"), "secret_key": b"k"},
            "not one SoulSpot can restore",
        ),
        ({"manifest.json": _manifest(), "secret_key": b"k"}, "database.sqlite3"),
        (
            {"manifest.json": _manifest(), "secret_key": b"k", "database.sqlite3": b"garbage!"},
            "unreadable|damaged",
        ),
    ],
)
def test_a_bad_archive_is_refused_before_anything_is_touched(tmp_path, members, message):
    archive = _archive(tmp_path / "soulspot-backup-20260101-000000.tar.gz", members)
    database = Path(connection.settings_dict["NAME"])
    before = (database.stat().st_ino, database.stat().st_mtime_ns)
    secret = Path(settings.DATA_DIR) / "secret_key"
    secret_before = secret.read_bytes() if secret.exists() else None

    with pytest.raises(BackupError, match=message):
        restore_backup(archive, force=True)

    assert (database.stat().st_ino, database.stat().st_mtime_ns) == before
    assert (secret.read_bytes() if secret.exists() else None) == secret_before


def test_a_file_that_is_not_an_archive_is_a_clear_command_error(tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"hello")
    done = _manage(tmp_path, "restore", str(bogus))
    assert done.returncode == 1
    assert "not a readable SoulSpot backup" in done.stderr
    assert "Traceback" not in done.stderr


def _manage(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOULSPOT_", "SLSKD_"))}
    env.update(SOULSPOT_DATA_DIR=str(data_dir / "data"), SOULSPOT_MUSIC_DIR=str(data_dir / "m"))
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db(transaction=True)
def test_restore_over_data_needs_force_and_keeps_the_replaced_database(tmp_path):
    ArtistFactory(name="In The Backup")
    archive = create_backup(tmp_path / "backups")
    data = tmp_path / "data"

    first = _manage(tmp_path, "restore", str(archive))
    assert first.returncode == 0, first.stderr
    again = _manage(tmp_path, "restore", str(archive))
    assert again.returncode == 1
    assert "already holds data" in again.stderr and "--force" in again.stderr
    forced = _manage(tmp_path, "restore", "--force", str(archive))
    assert forced.returncode == 0, forced.stderr

    kept = sorted(p.name for p in data.glob("soulspot.sqlite3.before-restore-*"))
    assert kept, list(data.iterdir())
    with sqlite3.connect(data / kept[-1]) as old:
        assert old.execute("SELECT name FROM library_artist").fetchall() == [("In The Backup",)]
    with sqlite3.connect(data / "soulspot.sqlite3") as new:
        assert new.execute("SELECT name FROM library_artist").fetchall() == [("In The Backup",)]


def test_restore_refuses_while_a_worker_heartbeat_is_fresh(tmp_path):
    from soulspot.tasks import heartbeat

    archive = create_backup(tmp_path)
    heartbeat()  # a worker (perhaps on another host, without serve's lock) is alive

    with pytest.raises(RestoreRefused, match="heartbeat"):
        restore_backup(archive)


def test_a_restore_brings_back_the_key_of_secrets_at_rest(tmp_path, settings):
    from soulspot.lib import secret_box

    sealed = secret_box.encrypt("a Spotify refresh token")
    key = Path(settings.SOULSPOT_SECRET_KEY_FILE).read_bytes()
    archive = create_backup(tmp_path / "backups")
    assert _members(archive)["secret_box_key"] == key

    restored = _manage(tmp_path, "restore", str(archive))

    assert restored.returncode == 0, restored.stderr
    settings.SOULSPOT_SECRET_KEY_FILE = tmp_path / "data" / "secret.key"
    assert settings.SOULSPOT_SECRET_KEY_FILE.read_bytes() == key
    assert secret_box.decrypt(sealed) == "a Spotify refresh token"
