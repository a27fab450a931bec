"""The one seam through which SoulSpot enqueues background work.

Tasks are named by dotted path and get plain ids, never model instances. The request id of the
enqueuing request travels with the task, so the worker's log lines can be joined to the request.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.utils.module_loading import import_string
from django_q.tasks import async_task, schedule

from soulspot.lib.request_id import current_request_id, reset_request_id, set_request_id

logger = logging.getLogger(__name__)


def enqueue(task_path: str, *args: Any, group: str | None = None) -> str:
    """Queue `task_path(*args)` on the worker; returns the django-q task id."""
    request_id = current_request_id()
    logger.info("enqueue %s", task_path, extra={"task": task_path})
    options: dict[str, Any] = {"task_name": task_path.rsplit(".", 1)[-1]}
    if group:
        options["group"] = group
    return async_task("soulspot.lib.queue.run_task", task_path, request_id, *args, **options)


def enqueue_at(task_path: str, when: datetime, *args: Any) -> None:
    """Queue `task_path(*args)` to run once at `when` (or up to half a minute later: the
    worker's scheduler looks every 30 s). For waits a worker must not spend asleep, e.g. a
    service's Retry-After."""
    from django_q.models import Schedule

    logger.info("enqueue %s at %s", task_path, when.isoformat(), extra={"task": task_path})
    schedule(
        "soulspot.lib.queue.run_task",
        task_path,
        current_request_id(),
        *args,
        schedule_type=Schedule.ONCE,
        next_run=when,
        repeats=-1,  # a ONCE schedule with negative repeats is deleted after it ran
    )


def run_task(task_path: str, request_id: str, *args: Any) -> Any:
    """Worker-side wrapper: restores the request id, then calls the task."""
    token = set_request_id(request_id or f"task-{task_path.rsplit('.', 1)[-1]}")
    try:
        return import_string(task_path)(*args)
    finally:
        reset_request_id(token)
