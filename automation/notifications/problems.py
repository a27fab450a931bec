"""The library-problem check (every 10 minutes): new broken files, low free space, slskd
unreachable for 10 minutes, Spotify needing reconnection.

Each problem is emitted as one `library_problem` event when it starts, not on every check: the
check remembers on `NotificationState` which problems are open and forgets one when it clears,
so the next occurrence is told again. (Free space is measured here with `shutil.disk_usage`:
the project's health checks live in `soulspot`, above this app.)
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from automation.events import emit
from automation.models import NotificationState, NotificationTarget
from downloads.slskd import client_from_settings
from library.models import TrackFile
from metadata.providers.spotify import connection as spotify_connection

PROBLEM = NotificationTarget.Event.LIBRARY_PROBLEM
SLSKD_DOWN_FOR = timedelta(minutes=10)
# Broken files named in one message; the rest are counted.
NAMED_FILES = 5


def check_library_problems() -> str:
    """Emit a library_problem event for each problem that started since the last check."""
    slskd_ok, slskd_detail = _slskd_reachable()  # the network call, outside the transaction
    with transaction.atomic():
        NotificationState.get()
        state = NotificationState.objects.select_for_update().get(pk=1)
        found = [
            _new_broken_files(state),
            _low_disk(state),
            _slskd_down(state, slskd_ok, slskd_detail),
            _spotify_disconnected(state),
        ]
        state.problems_checked_at = timezone.now()
        state.save()
    told = [message for message in found if message]
    for message in told:
        emit(PROBLEM, message)
    return "; ".join(told) or "no new library problems"


def _new_broken_files(state: NotificationState) -> str:
    since = state.problems_checked_at or timezone.now()
    files = TrackFile.objects.broken().filter(updated_at__gt=since).order_by("pk")
    paths = list(files.values_list("path", flat=True)[: NAMED_FILES + 1])
    if not paths:
        return ""
    count = files.count() if len(paths) > NAMED_FILES else len(paths)
    named = ", ".join(paths[:NAMED_FILES]) + (" …" if count > NAMED_FILES else "")
    return f"{count} new broken file{'s' if count != 1 else ''}: {named}"


def _low_disk(state: NotificationState) -> str:
    folders = (settings.MUSIC_DIR, settings.DATA_DIR)
    low = [text for text in (_free_space(Path(folder)) for folder in folders) if text]
    was_low, state.disk_low = state.disk_low, bool(low)
    return f"Low disk space: {'; '.join(low)}" if low and not was_low else ""


def _free_space(folder: Path) -> str:
    """Why `folder` is short of space, or "" when it is not."""
    minimum = settings.SOULSPOT_MIN_FREE_BYTES
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return ""  # a missing folder is the health page's business, not a space problem
    if free >= minimum:
        return ""
    mb = 1024 * 1024
    return f"{free // mb} MB free in {folder} (minimum {minimum // mb} MB)"


def _slskd_reachable() -> tuple[bool, str]:
    client = client_from_settings(timeout=10.0)
    if client is None:
        return True, "not configured"
    with client:
        result = client.check()
    return result.status not in ("unreachable", "error"), result.detail


def _slskd_down(state: NotificationState, ok: bool, detail: str) -> str:
    if ok:
        state.slskd_down_since, state.slskd_reported = None, False
        return ""
    now = timezone.now()
    state.slskd_down_since = state.slskd_down_since or now
    if state.slskd_reported or now - state.slskd_down_since < SLSKD_DOWN_FOR:
        return ""
    state.slskd_reported = True
    minutes = int((now - state.slskd_down_since).total_seconds() // 60)
    return f"slskd unreachable for {minutes} minutes: {detail}"


def _spotify_disconnected(state: NotificationState) -> str:
    row = spotify_connection()
    error = row.error if row is not None else ""
    was_reported, state.spotify_reported = state.spotify_reported, bool(error)
    if not error or was_reported:
        return ""
    return f"Spotify needs reconnecting: {error}"
