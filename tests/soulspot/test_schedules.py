from __future__ import annotations

import pytest
from django_q.models import Schedule

from soulspot.lib.schedules import PREFIX, sync_schedules


@pytest.mark.django_db
def test_sync_creates_declared_schedules_and_removes_stale_ones_only() -> None:
    Schedule.objects.create(
        name=PREFIX + "gone", func="x.y", schedule_type=Schedule.MINUTES, minutes=5
    )
    Schedule.objects.create(name="users-own", func="x.z", schedule_type=Schedule.MINUTES, minutes=5)
    names = sync_schedules()
    assert PREFIX + "heartbeat" in names
    assert not Schedule.objects.filter(name=PREFIX + "gone").exists()
    assert Schedule.objects.filter(name="users-own").exists()
    heartbeat = Schedule.objects.get(name=PREFIX + "heartbeat")
    assert heartbeat.func == "soulspot.tasks.heartbeat" and heartbeat.minutes == 1
    sync_schedules()
    assert Schedule.objects.filter(name=PREFIX + "heartbeat").count() == 1
