"""Restoring a backup: every check first, then the database and the secret key are swapped in.

Order matters: the archive is read and checked (manifest, vendor, an intact database) before
anything of the current installation is touched, and what is replaced is moved aside, never
deleted. Reconciliation (`reconcile_after_restore`) runs once the database is migrated.
"""

from __future__ import annotations

import json
import os
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from soulspot.backups import database
from soulspot.backups.archive import (
    FORMAT,
    MANIFEST,
    SECRET_BOX_KEY_MEMBER,
    SECRET_KEY_MEMBER,
)
from soulspot.backups.errors import BackupError, RestoreRefused
from soulspot.backups.runlock import lock_path, serve_is_running
from soulspot.models import WorkerHeartbeat

# Read into memory: a manifest or a key larger than this is not ours.
_SMALL_MEMBER_MAX = 1024 * 1024


@dataclass
class RestoreResult:
    manifest: dict
    moved_aside: list[Path] = field(default_factory=list)


def restore_backup(archive_path: Path, *, force: bool = False) -> RestoreResult:
    """Put the archive's database and secret key in place of the configured ones.

    Refuses while SoulSpot runs (serve's lock, or a fresh worker heartbeat without `force`) and
    over a database that holds data without `force`.
    """
    if serve_is_running():
        raise RestoreRefused(f"SoulSpot is running ({lock_path()} is held): stop it first")
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise BackupError(f"{archive_path} is not a file")
    folder = Path(database.connection.settings_dict["NAME"]).parent
    if database.vendor() != "sqlite":
        folder = Path(settings.DATA_DIR)
    with tempfile.TemporaryDirectory(prefix=".soulspot-restore-", dir=folder) as work:
        manifest, snapshot, secret, box_key = _unpack(archive_path, Path(work))
        database.check_snapshot(snapshot, manifest["database_vendor"])
        _refuse_if_in_use(force)
        moved = database.restore_database(snapshot)
        moved += _restore_key_file(Path(settings.DATA_DIR) / "secret_key", secret.encode())
        moved += _restore_key_file(Path(settings.SOULSPOT_SECRET_KEY_FILE), box_key)
    return RestoreResult(manifest=manifest, moved_aside=moved)


def _unpack(archive_path: Path, work: Path) -> tuple[dict, Path, str, bytes]:
    """Read only the members we know by name: nothing in the archive chooses a path."""
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            manifest = _manifest(_read_small(archive, MANIFEST))
            secret = _read_small(archive, SECRET_KEY_MEMBER).decode().strip()
            names = archive.getnames()
            # Backups made before secrets were encrypted at rest have no such key.
            box_key = (
                _read_small(archive, SECRET_BOX_KEY_MEMBER)
                if SECRET_BOX_KEY_MEMBER in names
                else b""
            )
            member = archive.getmember(manifest["database_file"])
            source = archive.extractfile(member) if member.isfile() else None
            if source is None:
                raise BackupError("the backup holds no database file")
            snapshot = work / "database"
            with snapshot.open("wb") as target:
                while chunk := source.read(1024 * 1024):
                    target.write(chunk)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{archive_path.name} is not a readable SoulSpot backup: {exc}") from None
    except KeyError as exc:
        raise BackupError(f"{archive_path.name} is incomplete: {exc} is missing") from None
    return manifest, snapshot, secret, box_key


def _read_small(archive: tarfile.TarFile, name: str) -> bytes:
    member = archive.getmember(name)
    handle = archive.extractfile(member) if member.isfile() else None
    if handle is None or member.size > _SMALL_MEMBER_MAX:
        raise BackupError(f"the backup's {name} is not a small file")
    return handle.read()


def _manifest(raw: bytes) -> dict:
    try:
        manifest = json.loads(raw)
    except ValueError:
        raise BackupError("the backup's manifest is not JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("the backup's manifest is not one this SoulSpot understands")
    vendor = manifest.get("database_vendor")
    if manifest.get("database_file") != database.MEMBERS.get(str(vendor)):
        raise BackupError(f"the backup's database ({vendor}) is not one SoulSpot can restore")
    if vendor != database.vendor():
        raise BackupError(
            f"the backup is of a {vendor} database but SoulSpot is configured for "
            f"{database.vendor()}: set DATABASE_URL accordingly"
        )
    return manifest


def _refuse_if_in_use(force: bool) -> None:
    if force:
        return
    if database.database_has_data():
        raise RestoreRefused(
            "the configured database already holds data: restore into an empty data dir, or "
            "pass --force to replace it (the current database is kept beside it)"
        )
    if _heartbeat_is_fresh():
        raise RestoreRefused("a SoulSpot worker heartbeat is fresh: stop SoulSpot first")


def _heartbeat_is_fresh() -> bool:
    tables = database.connection.introspection.table_names()
    if WorkerHeartbeat._meta.db_table not in tables:
        return False
    beat = WorkerHeartbeat.latest()
    return beat is not None and beat.is_fresh


def _restore_key_file(target: Path, data: bytes) -> list[Path]:
    """Put a key back where `settings` reads it (the secret key signs sessions and tasks; the
    secret box key decrypts stored tokens); a different key already there is moved aside."""
    if not data.strip():
        return []
    moved = []
    if target.exists():
        if target.read_bytes().strip() == data.strip():
            return []
        aside = target.with_name(f"{target.name}.before-restore")
        os.replace(target, aside)
        moved.append(aside)
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.restoring")
    staged.write_bytes(data)
    staged.chmod(0o600)
    os.replace(staged, target)
    return moved


def reconcile_after_restore() -> str:
    """Make the restored database agree with the music folder, then with slskd's absence.

    A scan finds files imported after the backup was taken; then live jobs whose track is in
    the library are completed and the rest queued again (none failed for it).
    """
    from downloads.services.reconcile import reconcile_live_jobs
    from library.models import LibraryScan
    from library.services import cancel_scan, run_scan, start_scan

    # A scan the backup caught running belongs to a process of the old installation.
    for stale in LibraryScan.objects.active().values_list("pk", flat=True):
        cancel_scan(stale)
    scan = start_scan(requested_by="restore", background=False)
    outcome = run_scan(scan.pk)
    while outcome == "sliced":
        outcome = run_scan(scan.pk)
    reconciled = reconcile_live_jobs(after_restore=True)
    return f"library scan {outcome}; jobs: {reconciled}"
