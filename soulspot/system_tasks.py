"""The task queue as the system page and `/api/system/tasks` show it: tasks waiting for a
worker, failed tasks, and "retry" / "delete" on a failed one.

django-q2 keeps waiting tasks in `OrmQ` (a signed payload per row) and finished ones in `Task`
(`Failure` is the failed ones). SoulSpot enqueues everything through `soulspot.lib.queue`, so a
task's function is the `run_task` wrapper and its first argument the real task path; the page
names the real task, and a retry goes through the same seam with the same path and arguments.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, overload

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_q.models import Failure, OrmQ

from soulspot.lib.durations import seconds_text
from soulspot.lib.errors import Conflict, NotFound
from soulspot.lib.queue import enqueue

RUN_TASK = "soulspot.lib.queue.run_task"
# django-q's task ids are uuid4 hex; anything else (a forged URL, NUL) is no task of ours and
# never reaches a query (PostgreSQL refuses NUL in a text parameter).
TASK_ID = re.compile(r"[0-9a-f]{1,32}")
GONE = "no failed task with that id (already retried or deleted?)"


@dataclass(frozen=True)
class QueuedTask:
    id: str
    name: str
    task: str
    queued_at: datetime | None
    age: str
    running: bool  # a worker has taken it (django-q locks the row while it runs)
    state: str = "queued"


@dataclass(frozen=True)
class FailedTask:
    id: str
    name: str
    task: str
    started_at: datetime
    failed_at: datetime
    error: str
    state: str = "failed"


class Rows(Sequence):
    """A queryset whose rows are turned into plain values only for the slice asked for.

    The one API pagination (and the page) takes `len()` (one COUNT) and a slice (one SELECT),
    whatever the queue's length.
    """

    def __init__(self, queryset: QuerySet, convert: Callable[[Any], Any]) -> None:
        self.queryset = queryset
        self.convert = convert

    def __len__(self) -> int:
        return self.queryset.count()

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self.convert(row) for row in self.queryset[index]]
        return self.convert(self.queryset[index])


def queued_tasks() -> Rows:
    """Tasks waiting for (or taken by) a worker, oldest first."""
    return Rows(OrmQ.objects.order_by("id"), _queued)


def failed_tasks() -> Rows:
    """Failed tasks, most recent first."""
    return Rows(Failure.objects.order_by("-stopped"), _failed)


def _queued(row: OrmQ) -> QueuedTask:
    package = row.task if isinstance(row.task, dict) else {}
    queued_at = package.get("started")
    queued_at = queued_at if isinstance(queued_at, datetime) else None
    age = seconds_text((timezone.now() - queued_at).total_seconds()) if queued_at else "unknown"
    task = _task_path(str(package.get("func", "")), package.get("args") or ())
    running = row.lock is not None and row.lock > timezone.now()
    name = str(package.get("name") or "unreadable task")
    return QueuedTask(str(package.get("id", "")), name, task, queued_at, age, running)


def _failed(row: Failure) -> FailedTask:
    task = _task_path(row.func, row.args or ())
    return FailedTask(row.id, row.name, task, row.started, row.stopped, error_line(row.result))


def _task_path(func: str, args: Sequence) -> str:
    if func == RUN_TASK and args:
        return str(args[0])
    return func


def error_line(result: object) -> str:
    """The first line of a failure: django-q stores "<message> : <traceback>"."""
    text = "" if result is None else str(result)
    line = text.strip().splitlines()[0] if text.strip() else "no error recorded"
    return line.removesuffix(" : Traceback (most recent call last):")[:500]


def retry_task(task_id: str) -> str:
    """Queue a failed task again with the same task path and arguments; the failure row goes,
    so a second click cannot queue it twice. Returns the new task id."""
    _check_id(task_id)
    with transaction.atomic():
        failure = Failure.objects.select_for_update().filter(pk=task_id).first()
        if failure is None:
            raise NotFound(GONE)
        if failure.kwargs:
            raise Conflict("this task was queued with keyword arguments; it cannot be retried here")
        args = tuple(failure.args or ())
        if failure.func == RUN_TASK:
            if not args:
                raise Conflict("this task has no task path to run again")
            task_path, args = str(args[0]), args[2:]
        else:
            task_path = failure.func
        if Failure.objects.filter(pk=failure.pk).delete()[0] != 1:
            raise NotFound(GONE)
        return enqueue(task_path, *args, group=failure.group or None)


def delete_failed_task(task_id: str) -> None:
    """Forget a failed task."""
    _check_id(task_id)
    if Failure.objects.filter(pk=task_id).delete()[0] == 0:
        raise NotFound(GONE)


def _check_id(task_id: str) -> None:
    if not TASK_ID.fullmatch(task_id):
        raise NotFound(GONE)
