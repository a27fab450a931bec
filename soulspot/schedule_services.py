"""The schedules page's reads and writes: SoulSpot's own django-q2 schedules (`soulspot:*`),
their last run, "run now" and a user's interval that outlives restarts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models, transaction
from django_q.models import Schedule, Task

from soulspot.lib.errors import SoulSpotError
from soulspot.lib.queue import enqueue
from soulspot.lib.schedules import PREFIX
from soulspot.models import ScheduleOverride

MAX_MINUTES = 60 * 24 * 30  # a month: longer means "never", which is not what an interval is for


class ScheduleError(SoulSpotError):
    http_status = 400


@dataclass(frozen=True)
class ScheduleRow:
    schedule: Schedule
    last_task: Task | None
    overridden: bool

    @property
    def label(self) -> str:
        return self.schedule.name.removeprefix(PREFIX)


def schedule_rows() -> list[ScheduleRow]:
    """Every schedule of ours with its latest run (scheduled or "run now": both carry the
    schedule's name as their group), in three queries whatever their number."""
    latest = Task.objects.filter(group=models.OuterRef("name")).order_by("-started")
    schedules = list(
        Schedule.objects.filter(name__startswith=PREFIX)
        .annotate(last_task_id=models.Subquery(latest.values("id")[:1]))
        .order_by("name")
    )
    tasks = Task.objects.in_bulk([s.last_task_id for s in schedules if s.last_task_id])
    overridden = set(ScheduleOverride.objects.values_list("name", flat=True))
    return [ScheduleRow(s, tasks.get(s.last_task_id), s.name in overridden) for s in schedules]


def _ours(schedule_id: int) -> Schedule:
    schedule = Schedule.objects.filter(pk=schedule_id, name__startswith=PREFIX).first()
    if schedule is None:
        raise ScheduleError("No such schedule.")
    return schedule


def run_schedule_now(schedule_id: int) -> str:
    """Queue the schedule's task now, outside its rhythm; returns the django-q task id."""
    schedule = _ours(schedule_id)
    return enqueue(schedule.func, group=schedule.name)


@transaction.atomic
def set_schedule_interval(schedule_id: int, minutes: int) -> Schedule:
    """Run the schedule every `minutes` from now on, and keep that over restarts (the
    override wins in `sync_schedules`)."""
    if not 1 <= minutes <= MAX_MINUTES:
        raise ScheduleError(f"The interval must be between 1 and {MAX_MINUTES} minutes.")
    schedule = _ours(schedule_id)
    ScheduleOverride.objects.update_or_create(name=schedule.name, defaults={"minutes": minutes})
    schedule.minutes = minutes
    schedule.save(update_fields=["minutes"])
    return schedule
