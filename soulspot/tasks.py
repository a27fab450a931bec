"""System tasks."""

from __future__ import annotations

import os
import socket

from soulspot.models import WorkerHeartbeat


def heartbeat() -> str:
    """Prove the worker is alive: readiness checks how fresh this is."""
    beat = WorkerHeartbeat.record(worker=f"{socket.gethostname()}:{os.getpid()}")
    return f"heartbeat {beat.beat_at.isoformat()}"


def backup_now() -> str:
    """The daily backup (and "Back up now"): one archive, then the oldest beyond the keep."""
    from soulspot.backups import create_backup, prune_backups

    path = create_backup()
    removed = prune_backups()
    return f"{path.name}; removed {len(removed)} old backups"
