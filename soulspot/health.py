"""Readiness checks: database (reads and writes), worker heartbeat, slskd, free space in the
music dir and in the data dir (where the database lives).

Each check returns a `Check`; readiness fails (503) when any check is not ok. slskd being not
configured is reported but is not a failure: SoulSpot is usable (library, admin) without it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from soulspot.models import WorkerHeartbeat, WriteProbe
from soulspot.slskd_banner import remember_slskd_check

# The write check waits at most this long for SQLite's write lock: readiness answers quickly
# even while a long write runs, and reports "busy" rather than hanging a health probe.
WRITE_CHECK_BUSY_MS = 2000


@dataclass
class Check:
    ok: bool
    status: str
    detail: str = ""


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return Check(False, "error", f"{type(exc).__name__}: {exc}")
    return Check(True, "ok", connection.vendor)


def check_worker() -> Check:
    beat = WorkerHeartbeat.latest()
    if beat is None:
        return Check(False, "no_heartbeat", "the worker has not processed a heartbeat task yet")
    age = int((timezone.now() - beat.beat_at).total_seconds())
    if not beat.is_fresh:
        return Check(False, "stale", f"last heartbeat {age} s ago from {beat.worker}")
    return Check(True, "ok", f"last heartbeat {age} s ago from {beat.worker}")


def check_slskd() -> Check:
    from downloads.slskd import client_from_settings

    client = client_from_settings()
    if client is None:
        return Check(True, "not_configured", "set SLSKD_URL and SLSKD_API_KEY to download")
    with client:
        result = client.check()
    # The download pages warn from this instead of asking slskd on every render.
    remember_slskd_check(result.status, result.detail)
    return Check(result.status == "connected", result.status, result.detail)


def check_database_write() -> Check:
    """Commit a one-row write: a full disk or a read-only database passes `SELECT 1`."""
    try:
        with _short_busy_timeout(), transaction.atomic():
            WriteProbe.touch()
    except DatabaseError as exc:
        text = str(exc)
        status = "busy" if "locked" in text else "error"
        return Check(False, status, f"{type(exc).__name__}: {text}")
    return Check(True, "ok", "a test write committed")


@contextmanager
def _short_busy_timeout() -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        usual = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA busy_timeout={WRITE_CHECK_BUSY_MS}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout={usual}")


def check_disk() -> Check:
    """Free space where music is written and where the database and logs live.

    Both are named: on a full data disk every write fails ("database or disk is full") while
    the music folder may still have room.
    """
    folders = {"music": Path(settings.MUSIC_DIR), "data": Path(settings.DATA_DIR)}
    minimum_mb = settings.SOULSPOT_MIN_FREE_BYTES // (1024 * 1024)
    parts, status = [], "ok"
    for label, folder in folders.items():
        try:
            free = shutil.disk_usage(folder).free
        except OSError as exc:
            parts.append(f"{label} dir {folder}: {exc.strerror or exc}")
            status = "error"
            continue
        parts.append(f"{free // (1024 * 1024)} MB free in {label} dir {folder}")
        if free < settings.SOULSPOT_MIN_FREE_BYTES and status == "ok":
            status = "low"
    detail = "; ".join(parts) + f" (minimum {minimum_mb} MB)"
    return Check(status == "ok", status, detail)


CHECKS = {
    "database": check_database,
    "database_write": check_database_write,
    "worker": check_worker,
    "slskd": check_slskd,
    "disk": check_disk,
}


def _run(check: object) -> Check:
    try:
        return check()
    except DatabaseError as exc:
        # With the database down, checks that read it fail too: report, never a 500.
        return Check(False, "error", f"database unavailable: {exc}")


def readiness() -> tuple[bool, dict[str, dict]]:
    results = {name: _run(check) for name, check in CHECKS.items()}
    return all(c.ok for c in results.values()), {name: asdict(c) for name, c in results.items()}
