"""The lock `serve` holds while SoulSpot runs, so `restore` can refuse to pull the database
out from under it.

An advisory `flock` on `<data>/serve.lock`: the kernel releases it when the process dies, so a
crashed `serve` never leaves a stale lock behind (a pid file would).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.management.base import CommandError


def lock_path() -> Path:
    return Path(settings.DATA_DIR) / "serve.lock"


def hold_serve_lock() -> IO[str]:
    """Take the lock for the life of this process; keep the returned file open.

    Children (worker, web server) are started without inheriting it: the lock means "serve is
    running", and stays held until serve itself exits.
    """
    handle = lock_path().open("a+")
    os.set_inheritable(handle.fileno(), False)
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        message = f"SoulSpot is already running on this data dir ({lock_path()})"
        raise CommandError(message) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def serve_is_running() -> bool:
    """True while some process holds the serve lock of this data dir."""
    path = lock_path()
    if not path.exists():
        return False
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    return False
