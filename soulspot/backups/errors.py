"""What backups and restores refuse."""

from __future__ import annotations

from soulspot.lib.errors import Conflict, NotFound, SoulSpotError


class BackupError(SoulSpotError):
    """A backup or restore that cannot be carried out (bad archive, missing pg_dump)."""


class BackupNotFound(BackupError, NotFound):
    """No backup of that name (or the name is not one of ours)."""


class RestoreRefused(BackupError, Conflict):
    """SoulSpot is running, or the data dir already holds data and --force was not given."""
