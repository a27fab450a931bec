"""The system page (`/system/`): versions, folders with free space, workers, the task queue
with "retry" and "delete", the provider cache's hit rate, backups, and a log viewer.

The page is one template with a partial per section. Versions come as a fragment loaded after
the page (asking slskd may take seconds); tasks and log lines refresh themselves every few
seconds through their own fragments.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from metadata.providers import cache
from soulspot import backups, log_viewer, system_info, system_tasks
from soulspot.lib.errors import SoulSpotError
from soulspot.lib.params import BadParameter, int_param, text_param

TEMPLATE = "soulspot/system.html"
# Rows of each task list the page shows; the API pages through all of them.
TASK_ROWS = 50
DEFAULT_LOG_LINES = 100


@require_GET
def system(request: HttpRequest) -> HttpResponse:
    context = {
        "folders": system_info.folders(),
        "workers": system_info.workers(),
        "backups": backups.list_backups()[:20],
        "provider_cache": cache.cache_figures(),
        **_tasks_context(),
    }
    logs, status = _logs_context(request)
    return render(request, TEMPLATE, {**context, **logs}, status=status)


@require_GET
def system_versions(request: HttpRequest) -> HttpResponse:
    return render(request, f"{TEMPLATE}#versions", {"versions": system_info.versions()})


@require_GET
def system_tasks_fragment(request: HttpRequest) -> HttpResponse:
    return render(request, f"{TEMPLATE}#tasks", _tasks_context())


@require_POST
def system_task_retry(request: HttpRequest, task_id: str) -> HttpResponse:
    return _act(request, lambda: system_tasks.retry_task(task_id), "Queued again.")


@require_POST
def system_task_delete(request: HttpRequest, task_id: str) -> HttpResponse:
    return _act(request, lambda: system_tasks.delete_failed_task(task_id), "Deleted.")


@require_GET
def system_logs(request: HttpRequest) -> HttpResponse:
    context, status = _logs_context(request)
    return render(request, f"{TEMPLATE}#logs", context, status=status)


def _act(request: HttpRequest, action: Callable[[], object], done: str) -> HttpResponse:
    """Run a task action; an HTMX click gets the refreshed task list, a plain form the page."""
    try:
        action()
    except SoulSpotError as exc:
        note, ok = str(exc), False
    else:
        note, ok = done, True
    if not request.htmx:
        (messages.success if ok else messages.error)(request, note)
        return redirect("system")
    return render(request, f"{TEMPLATE}#tasks", {**_tasks_context(), "note": note, "note_ok": ok})


def _tasks_context() -> dict:
    queued, failed = system_tasks.queued_tasks(), system_tasks.failed_tasks()
    return {
        "queued": queued[:TASK_ROWS],
        "queued_count": len(queued),
        "failed": failed[:TASK_ROWS],
        "failed_count": len(failed),
    }


def _logs_context(request: HttpRequest) -> tuple[dict, int]:
    level = request.GET.get("level", "").upper()
    level = level if level in log_viewer.LEVELS else ""
    limit = int_param(request.GET, "limit", DEFAULT_LOG_LINES, maximum=log_viewer.MAX_LINES)
    context = {"levels": log_viewer.LEVELS, "level": level, "limit": limit, "q": ""}
    try:
        context["q"] = text_param(request.GET, "q")
    except BadParameter as exc:
        return {**context, "log_error": str(exc), "log_lines": []}, 400
    context["log_lines"] = log_viewer.log_lines(level, context["q"], limit)
    return context, 200
