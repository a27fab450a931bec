"""What the system page and `GET /api/system/info` show: versions, folders with their free
space, and the workers' heartbeats. Reads only; nothing here writes."""

from __future__ import annotations

import platform
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import django
from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from downloads.slskd import client_from_settings
from soulspot.lib.durations import seconds_text
from soulspot.models import WorkerHeartbeat

# The page waits at most this long for slskd: a hung slskd must not hang the system page.
SLSKD_TIMEOUT_SECONDS = 5.0
# More heartbeat rows than any installation has workers; the list stays bounded regardless.
MAX_WORKERS = 50

# slskd's health states (downloads.slskd.replies.HealthResult) in words.
SLSKD_WORDS = {
    "connected": "connected to Soulseek",
    "not_logged_in": "not logged in to Soulseek",
    "unauthorized": "refused the API key",
    "unreachable": "unreachable",
    "error": "answered with an error",
}


@dataclass(frozen=True)
class Version:
    name: str
    version: str
    detail: str = ""


@dataclass(frozen=True)
class Folder:
    label: str
    path: str
    state: str  # "ok", "not set", "not created yet" or the operating system's error
    free_bytes: int | None = None
    total_bytes: int | None = None


@dataclass(frozen=True)
class Worker:
    name: str
    beat_at: datetime
    age_seconds: int
    age: str
    fresh: bool


def versions() -> list[Version]:
    """SoulSpot, Python, Django, the database and slskd (asked over HTTP, so it may be slow)."""
    return [
        Version("SoulSpot", settings.VERSION),
        Version("Python", platform.python_version()),
        Version("Django", django.get_version()),
        database_version(),
        slskd_version(),
    ]


def database_version() -> Version:
    """The engine and server version of the default database."""
    if connection.vendor == "sqlite":
        return Version("Database", f"SQLite {sqlite3.sqlite_version}", str(_database_name()))
    if connection.vendor == "postgresql":
        try:
            major, minor = divmod(connection.pg_version, 10000)
        except DatabaseError as exc:
            return Version("Database", "PostgreSQL", f"unreachable: {exc}")
        return Version("Database", f"PostgreSQL {major}.{minor}", str(_database_name()))
    return Version("Database", connection.display_name)


def _database_name() -> object:
    return connection.settings_dict.get("NAME", "")


def slskd_version() -> Version:
    """slskd's version from its application endpoint, or why there is none, in words."""
    client = client_from_settings(timeout=SLSKD_TIMEOUT_SECONDS)
    if client is None:
        return Version("slskd", "not configured", "set SLSKD_URL and SLSKD_API_KEY to download")
    with client:
        result = client.check()
    words = SLSKD_WORDS.get(result.status, result.status)
    if result.version:
        return Version("slskd", result.version, words)
    return Version("slskd", words, result.detail)


def folders() -> list[Folder]:
    """Data, music, slskd's downloads, recycle bin, quarantine and backups, with free space.

    A folder not created yet reports the free space of the disk it will be created on.
    """
    named = [
        ("Data", settings.DATA_DIR),
        ("Music", settings.MUSIC_DIR),
        ("Downloads (slskd)", settings.SLSKD_DOWNLOADS_DIR),
        ("Recycle bin", settings.SOULSPOT_RECYCLE_DIR),
        ("Quarantine", settings.SOULSPOT_QUARANTINE_DIR),
        ("Backups", settings.SOULSPOT_BACKUP_DIR),
        ("Logs", settings.LOG_DIR),
    ]
    return [_folder(label, path) for label, path in named]


def _folder(label: str, path: Path | None) -> Folder:
    if path is None:
        return Folder(label, "", "not set")
    path = Path(path)
    existing = next((p for p in (path, *path.parents) if p.exists()), None)
    if existing is None:
        return Folder(label, str(path), "not created yet")
    try:
        usage = shutil.disk_usage(existing)
    except OSError as exc:
        return Folder(label, str(path), exc.strerror or str(exc))
    state = "ok" if existing == path else "not created yet"
    return Folder(label, str(path), state, usage.free, usage.total)


def workers() -> list[Worker]:
    """Each worker heartbeat, freshest first, with its age in words."""
    now = timezone.now()
    rows = []
    for beat in WorkerHeartbeat.objects.order_by("-beat_at")[:MAX_WORKERS]:
        age = max(int((now - beat.beat_at).total_seconds()), 0)
        rows.append(
            Worker(beat.worker or "worker", beat.beat_at, age, seconds_text(age), beat.is_fresh)
        )
    return rows
