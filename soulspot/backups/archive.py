"""Writing, listing, pruning and finding backup archives.

An archive is written under a hidden temporary name in its final folder and renamed when
complete, so a crash or a full disk never leaves something that looks like a finished backup.
Only names matching `NAME_PATTERN` are ever listed, served or pruned: a user's own files in the
folder are never touched, and a requested name can never reach outside it.
"""

from __future__ import annotations

import io
import json
import os
import re
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from soulspot.backups import database
from soulspot.backups.errors import BackupError, BackupNotFound

NAME_PATTERN = re.compile(r"soulspot-backup-(\d{8})-(\d{6})(?:-(\d{1,3}))?\.tar\.gz")
MANIFEST = "manifest.json"
SECRET_KEY_MEMBER = "secret_key"
# The key that encrypts secrets at rest (Spotify tokens): without it they cannot be read.
SECRET_BOX_KEY_MEMBER = "secret_box_key"
FORMAT = 1


@dataclass(frozen=True)
class BackupInfo:
    name: str
    size: int
    created_at: datetime
    path: Path


def backup_dir() -> Path:
    return Path(settings.SOULSPOT_BACKUP_DIR)


def create_backup(output_dir: Path | None = None) -> Path:
    """Write one archive (database snapshot, secret keys, manifest); returns its path."""
    folder = Path(output_dir) if output_dir else backup_dir()
    folder.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    with tempfile.TemporaryDirectory(prefix=".soulspot-backup-", dir=folder) as work:
        work_dir = Path(work)
        member = database.snapshot_database(work_dir)
        partial = work_dir / "archive.partial"
        # Level 6: nearly the size of 9 on a database, in a fraction of the time.
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            _add_bytes(archive, MANIFEST, json.dumps(_manifest(member, now), indent=2).encode())
            _add_bytes(archive, SECRET_KEY_MEMBER, settings.SECRET_KEY.encode())
            box_key = Path(settings.SOULSPOT_SECRET_KEY_FILE)
            if box_key.is_file():
                _add_bytes(archive, SECRET_BOX_KEY_MEMBER, box_key.read_bytes())
            archive.add(work_dir / member, arcname=member)
        partial.chmod(0o600)  # it holds the secret keys
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        return _publish(partial, folder, now)


def _manifest(member: str, now: datetime) -> dict:
    return {
        "format": FORMAT,
        "soulspot_version": settings.VERSION,
        "database_vendor": database.vendor(),
        "database_file": member,
        "created_at": now.isoformat(),
        "settings": _recorded_settings(),
    }


def _recorded_settings() -> dict[str, str | None]:
    """The folders a restore must find again, so the user can see what the backup expects."""
    folders = {
        "DATA_DIR": settings.DATA_DIR,
        "MUSIC_DIR": settings.MUSIC_DIR,
        "SOULSPOT_RECYCLE_DIR": settings.SOULSPOT_RECYCLE_DIR,
        "SOULSPOT_QUARANTINE_DIR": settings.SOULSPOT_QUARANTINE_DIR,
        "SOULSPOT_STAGING_DIR": settings.SOULSPOT_STAGING_DIR,
        "SOULSPOT_PLAYLIST_DIR": settings.SOULSPOT_PLAYLIST_DIR,
        "SLSKD_DOWNLOADS_DIR": settings.SLSKD_DOWNLOADS_DIR,
    }
    return {name: str(value) if value is not None else None for name, value in folders.items()}


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def _publish(partial: Path, folder: Path, now: datetime) -> Path:
    """Rename into the first free name of this second (link: never replaces an archive)."""
    stem = f"soulspot-backup-{now:%Y%m%d-%H%M%S}"
    for n in range(1000):
        final = folder / (f"{stem}.tar.gz" if n == 0 else f"{stem}-{n}.tar.gz")
        try:
            os.link(partial, final)
        except FileExistsError:
            continue
        partial.unlink()
        return final
    raise BackupError(f"too many backups named {stem} in {folder}")


def list_backups(folder: Path | None = None) -> list[BackupInfo]:
    """Our archives in the folder, newest first."""
    folder = Path(folder) if folder else backup_dir()
    if not folder.is_dir():
        return []
    found = []
    for entry in os.scandir(folder):
        match = NAME_PATTERN.fullmatch(entry.name)
        if match is None or not entry.is_file(follow_symlinks=False):
            continue
        stamp = datetime.strptime(match[1] + match[2], "%Y%m%d%H%M%S")
        created = stamp.replace(tzinfo=UTC)  # names are written in UTC
        found.append(BackupInfo(entry.name, entry.stat().st_size, created, Path(entry.path)))
    return sorted(found, key=lambda b: (b.created_at, int(_counter(b.name))), reverse=True)


def _counter(name: str) -> str:
    match = NAME_PATTERN.fullmatch(name)
    return match[3] or "0" if match else "0"


def prune_backups(keep: int | None = None, folder: Path | None = None) -> list[str]:
    """Delete our oldest archives beyond the newest `keep` (at least one is always kept)."""
    keep = max(keep if keep is not None else settings.SOULSPOT_BACKUP_KEEP, 1)
    removed = []
    for old in list_backups(folder)[keep:]:
        old.path.unlink(missing_ok=True)
        removed.append(old.name)
    return removed


def backup_path(name: str) -> Path:
    """The archive of that name in the backup folder; NotFound for anything else."""
    if not NAME_PATTERN.fullmatch(name):
        raise BackupNotFound("no backup of that name")
    path = backup_dir() / name
    if not path.is_file() or path.is_symlink():
        raise BackupNotFound("no backup of that name")
    return path
