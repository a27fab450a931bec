"""Readiness checks: database, worker heartbeat, slskd, free space in the music dir.

Each check returns a `Check`; readiness fails (503) when any check is not ok. slskd being not
configured is reported but is not a failure: SoulSpot is usable (library, admin) without it.
"""

from __future__ import annotations

import shutil
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from soulspot.models import WorkerHeartbeat


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
    return Check(result.status == "connected", result.status, result.detail)


def check_disk() -> Check:
    try:
        free = shutil.disk_usage(settings.MUSIC_DIR).free
    except OSError as exc:
        return Check(False, "error", f"{settings.MUSIC_DIR}: {exc.strerror or exc}")
    free_mb = free // (1024 * 1024)
    minimum_mb = settings.SOULSPOT_MIN_FREE_BYTES // (1024 * 1024)
    detail = f"{free_mb} MB free in {settings.MUSIC_DIR} (minimum {minimum_mb} MB)"
    enough = free >= settings.SOULSPOT_MIN_FREE_BYTES
    return Check(enough, "ok" if enough else "low", detail)


CHECKS = {
    "database": check_database,
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
