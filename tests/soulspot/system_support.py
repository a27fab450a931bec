"""Shared by the system page and API tests: a real failed django-q task, and log lines."""

from __future__ import annotations

import json
from multiprocessing import Queue, Value
from pathlib import Path
from unittest import mock

from django_q.brokers import get_broker
from django_q.models import Failure, OrmQ
from django_q.monitor import monitor
from django_q.signing import SignedPackage
from django_q.worker import worker

from soulspot.lib.queue import enqueue


def explode(number: int) -> None:
    """A task that fails, as a broken task would."""
    raise ValueError(f"boom {number}")


def fail_a_task(number: int = 7) -> Failure:
    """Queue `explode(number)` through SoulSpot's seam and run it through django-q's own
    pusher/worker/monitor steps in this process, so django-q records a real failure row."""
    task_id = enqueue("tests.soulspot.system_support.explode", number)
    # What the pusher does: take this task off the queue (other tasks may be waiting).
    row = next(row for row in OrmQ.objects.all() if row.task_id() == task_id)
    task = SignedPackage.loads(row.payload)
    task["ack_id"] = row.pk
    tasks, results = Queue(), Queue()
    tasks.put(task)
    tasks.put("STOP")
    # The real worker closes its database connections between tasks; here that would be the
    # test's own connection, inside its transaction.
    with (
        mock.patch("django_q.worker.close_old_django_connections"),
        mock.patch("django_q.monitor.close_old_django_connections"),
    ):
        worker(tasks, results, Value("f", -1))
        results.put("STOP")
        monitor(results, get_broker())
    return Failure.objects.get(pk=task_id)


def write_log(path: Path, *lines: tuple[str, str, str] | str) -> None:
    """(level, logger, message) as `serve` writes them, or a raw string as a stray line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        for number, line in enumerate(lines):
            if isinstance(line, str):
                handle.write(line + "\n")
                continue
            level, logger, message = line
            time = f"2026-12-03T10:00:{number:02d}.000+00:00"
            record = {"time": time, "level": level, "logger": logger, "message": message}
            handle.write(json.dumps(record) + "\n")
