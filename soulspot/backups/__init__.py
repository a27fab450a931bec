"""Backups of a running SoulSpot, and restoring one.

An archive (`soulspot-backup-YYYYmmdd-HHMMSS.tar.gz`) holds a consistent snapshot of the
database (SQLite's online backup API, or `pg_dump`), the secret key and a manifest describing
the data dir (version, database vendor, folders). The music files are not in it: they are the
user's own files, usually far larger than anything else, and backed up their own way.

* `archive`   writing, listing, pruning and finding archives (`create_backup`, `list_backups`)
* `database`  the snapshot and its restore, per database vendor
* `restore`   `restore_backup`: the checks before anything is touched, then the swap
* `runlock`   the lock `serve` holds, so a restore can tell SoulSpot is running
"""

from __future__ import annotations

from soulspot.backups.archive import (
    BackupInfo,
    backup_dir,
    backup_path,
    create_backup,
    list_backups,
    prune_backups,
)
from soulspot.backups.errors import BackupError, BackupNotFound, RestoreRefused
from soulspot.backups.restore import RestoreResult, reconcile_after_restore, restore_backup

__all__ = [
    "BackupError",
    "BackupInfo",
    "BackupNotFound",
    "RestoreRefused",
    "RestoreResult",
    "backup_dir",
    "backup_path",
    "create_backup",
    "list_backups",
    "prune_backups",
    "reconcile_after_restore",
    "restore_backup",
]
