"""The one seam through which SoulSpot enqueues background work.

Tasks are named by dotted path and get plain ids, never model instances. The request id of the
enqueuing request travels with the task, so the worker's log lines can be joined to the request.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils.module_loading import import_string
from django_q.tasks import async_task

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


def run_task(task_path: str, request_id: str, *args: Any) -> Any:
    """Worker-side wrapper: restores the request id, then calls the task."""
    token = set_request_id(request_id or f"task-{task_path.rsplit('.', 1)[-1]}")
    try:
        return import_string(task_path)(*args)
    finally:
        reset_request_id(token)
