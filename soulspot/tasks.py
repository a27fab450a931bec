"""System tasks."""

from __future__ import annotations

import os
import socket

from soulspot.models import WorkerHeartbeat


def heartbeat() -> str:
    """Prove the worker is alive: readiness checks how fresh this is."""
    beat = WorkerHeartbeat.record(worker=f"{socket.gethostname()}:{os.getpid()}")
    return f"heartbeat {beat.beat_at.isoformat()}"
