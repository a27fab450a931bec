"""The database snapshot in a backup, and putting one back, for SQLite and PostgreSQL.

SQLite is copied with its online backup API, never as a file: a WAL database's file alone is not
a consistent copy while SoulSpot writes. The copy is made in one step, inside one read
transaction, so it is one moment of the database while writers carry on beside it.
PostgreSQL is dumped with `pg_dump` (custom format) and restored with `pg_restore`.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.db import connection, connections
from django.utils import timezone

from soulspot.backups.errors import BackupError

MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# Tables whose rows mean "this SoulSpot is in use": a restore over them needs --force.
_IN_USE_MODELS = ("auth.User", "library.Artist", "library.Track", "downloads.DownloadJob")
PG_TIMEOUT_SECONDS = 3600


def vendor() -> str:
    return connection.vendor


def snapshot_database(folder: Path) -> str:
    """Write a consistent copy of the database into `folder`; returns its file name."""
    member = MEMBERS.get(vendor())
    if member is None:
        raise BackupError(f"backups of a {vendor()} database are not supported")
    target = folder / member
    if vendor() == "sqlite":
        _sqlite_snapshot(Path(connection.settings_dict["NAME"]), target)
    else:
        _run_pg("pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", target)
    return member


def _sqlite_snapshot(source_path: Path, target: Path) -> None:
    source = sqlite3.connect(source_path, timeout=20)
    copy = sqlite3.connect(target)
    try:
        source.execute("PRAGMA busy_timeout=20000")
        source.backup(copy)  # pages=-1: the whole database in one step, one snapshot
    finally:
        copy.close()
        source.close()


def check_snapshot(snapshot: Path, snapshot_vendor: str) -> None:
    """Refuse a damaged snapshot before anything of the current database is touched."""
    if snapshot_vendor == "sqlite":
        try:
            with sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True) as check:
                result = check.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"the database in the backup is unreadable: {exc}") from None
        if result != "ok":
            raise BackupError(f"the database in the backup is damaged: {result}")
    else:
        _run_pg("pg_restore", "--list", snapshot, database=False)


def restore_database(snapshot: Path) -> list[Path]:
    """Put the snapshot in place of the configured database; returns what was moved aside."""
    connections.close_all()
    if vendor() == "sqlite":
        return _sqlite_restore(snapshot, Path(connection.settings_dict["NAME"]))
    _run_pg(
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        snapshot,
    )
    return []


def _sqlite_restore(snapshot: Path, target: Path) -> list[Path]:
    """Swap files by rename: the old database is kept beside, never deleted."""
    staged = target.with_name(f".{target.name}.restoring")
    shutil.copyfile(snapshot, staged)
    with staged.open("rb") as handle:
        os.fsync(handle.fileno())
    if target.exists():
        # Fold the old WAL into its database first, so the file moved aside is complete alone.
        old = sqlite3.connect(target, timeout=20)
        try:
            old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            old.close()
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    moved = []
    for suffix in ("", "-wal", "-shm"):
        current = Path(f"{target}{suffix}")
        # An empty file (the database a fresh data dir opened) holds nothing worth keeping.
        if current.exists() and current.stat().st_size > 0:
            aside = current.with_name(f"{current.name}.before-restore-{stamp}")
            current.rename(aside)
            moved.append(aside)
    os.replace(staged, target)
    return moved


def database_has_data() -> bool:
    """Whether the configured database holds anything a restore would overwrite."""
    if vendor() == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        if not path.exists() or path.stat().st_size == 0:
            return False
    tables = set(connection.introspection.table_names())
    for label in _IN_USE_MODELS:
        model = apps.get_model(label)
        if model._meta.db_table in tables and model.objects.exists():
            return True
    return False


def pg_binary(name: str) -> str:
    """The newest PostgreSQL client tool of that name: Debian's versioned folders, then PATH."""
    versioned = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    found = [str(p) for p in reversed(versioned) if os.access(p, os.X_OK)]
    found += [path for path in [shutil.which(name)] if path]
    if not found:
        raise BackupError(
            f"{name} was not found: install the PostgreSQL client tools matching your server "
            "(Debian/Ubuntu: apt install postgresql-client)"
        )
    return found[0]


def _run_pg(tool: str, *args: object, database: bool = True) -> None:
    settings_dict = connection.settings_dict
    env = {**os.environ}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    command = [pg_binary(tool), *[str(a) for a in args]]
    if database:
        command += ["--dbname", str(settings_dict["NAME"])]
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=PG_TIMEOUT_SECONDS
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BackupError(f"{tool} could not run: {exc}") from None
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip()[-1000:]}")
