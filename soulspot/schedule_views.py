"""The schedules page (`/system/schedules/`): every periodic job with its last run, next run,
"run now" and an editable interval."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from soulspot import schedule_services as services
from soulspot.lib.params import int_param


def schedules(request: HttpRequest) -> HttpResponse:
    context = {"rows": services.schedule_rows(), "max_minutes": services.MAX_MINUTES}
    return render(request, "soulspot/schedules.html", context)


@require_POST
def schedule_run(request: HttpRequest, schedule_id: int) -> HttpResponse:
    try:
        services.run_schedule_now(schedule_id)
    except services.ScheduleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Queued: the worker runs it next.")
    return redirect("system-schedules")


@require_POST
def schedule_interval(request: HttpRequest, schedule_id: int) -> HttpResponse:
    minutes = int_param(request.POST, "minutes", 0, minimum=0, maximum=10**9)
    try:
        schedule = services.set_schedule_interval(schedule_id, minutes or 0)
    except services.ScheduleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{schedule.name} now runs every {schedule.minutes} minutes.")
    return redirect("system-schedules")
