"""The scanner's "database is locked" retry."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, transaction

logger = logging.getLogger(__name__)
T = TypeVar("T")


def retry_when_locked(
    work: Callable[[], T], *, on_retry: Callable[[], None] | None = None, attempts: int = 4
) -> T:
    """Run `work` in a transaction; retry with backoff when SQLite says "database is locked".

    busy_timeout already waits 20 s for the lock, so this only helps under heavy contention;
    `on_retry` drops state the rolled-back attempt cached (ids that no longer exist).
    """
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                return work()
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            logger.warning("database is locked; retrying (attempt %s)", attempt + 2)
            if on_retry:
                on_retry()
            time.sleep(2**attempt)
    raise AssertionError("unreachable")
