"""Periodic work is declared in code (each app's `schedules.py`) and synced into django-q2.

`serve` calls `sync_schedules()` at start, so the database always matches the code: new entries
are created, changed ones updated, and entries this code no longer declares are removed. An
interval the user set on the schedules page (`soulspot.ScheduleOverride`) wins over the code's.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction

# Schedules we own carry this prefix in their name, so a user's own schedules are never touched.
PREFIX = "soulspot:"


@dataclass(frozen=True)
class Every:
    """Run `func` every `minutes` minutes (django-q2's smallest unit is one minute)."""

    name: str
    func: str
    minutes: int


def declared_schedules() -> list[Every]:
    found: list[Every] = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.schedules")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.schedules":
                raise
            continue
        found.extend(getattr(module, "SCHEDULES", []))
    return found


@transaction.atomic
def sync_schedules() -> list[str]:
    """Make django-q2's Schedule table match the code; returns the names now scheduled."""
    from django_q.models import Schedule

    wanted = {PREFIX + s.name: s for s in declared_schedules()}
    overrides = _overridden_minutes()
    Schedule.objects.filter(name__startswith=PREFIX).exclude(name__in=wanted).delete()
    for name, spec in wanted.items():
        Schedule.objects.update_or_create(
            name=name,
            defaults={
                "func": spec.func,
                "schedule_type": Schedule.MINUTES,
                "minutes": overrides.get(name, spec.minutes),
                "repeats": -1,
            },
        )
    return sorted(wanted)


def _overridden_minutes() -> dict[str, int]:
    # Looked up by name, not imported: this module is the leaf every app uses.
    override = apps.get_model("soulspot", "ScheduleOverride")
    return dict(override.objects.values_list("name", "minutes"))
