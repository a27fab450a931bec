"""The schedules page: every soulspot schedule with its last run, "run now", and an interval
the user set that `sync_schedules()` (run on every start) keeps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_q.models import OrmQ, Schedule, Task

from soulspot.lib.schedules import PREFIX, sync_schedules

pytestmark = pytest.mark.django_db


def _task(group: str, *, success: bool, result: str, minutes_ago: int) -> Task:
    started = timezone.now() - timedelta(minutes=minutes_ago)
    return Task.objects.create(
        id=f"{group}-{minutes_ago}",
        name=f"task-{minutes_ago}",
        func="soulspot.tasks.backup_now",
        group=group,
        started=started,
        stopped=started + timedelta(seconds=1),
        success=success,
        result=result,
    )


def test_the_page_lists_schedules_with_their_latest_run(logged_in_client: Client) -> None:
    sync_schedules()
    _task(PREFIX + "backup", success=True, result="old backup", minutes_ago=90)
    _task(PREFIX + "backup", success=False, result="disk full on /data", minutes_ago=5)

    response = logged_in_client.get("/system/schedules/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/system/schedules/"' in html  # in the navigation
    assert "heartbeat" in html and "soulspot.tasks.backup_now" in html
    assert "disk full on /data" in html and "old backup" not in html
    assert 'value="1440"' in html  # the backup's interval, editable


def test_the_page_needs_the_same_queries_for_more_schedules(logged_in_client: Client) -> None:
    sync_schedules()
    _task(PREFIX + "backup", success=True, result="done", minutes_ago=1)
    logged_in_client.get("/system/schedules/")  # warm the session and the nav
    with CaptureQueriesContext(connection) as few:
        logged_in_client.get("/system/schedules/")
    for n in range(10):
        name = f"{PREFIX}extra-{n}"
        Schedule.objects.create(name=name, func="x.y", schedule_type=Schedule.MINUTES, minutes=5)
        _task(name, success=True, result="done", minutes_ago=n + 1)
    with CaptureQueriesContext(connection) as many:
        response = logged_in_client.get("/system/schedules/")

    assert response.content.decode().count("extra-") >= 10
    assert len(many) == len(few)


def test_run_now_queues_the_schedules_task_under_its_name(logged_in_client: Client) -> None:
    sync_schedules()
    backup = Schedule.objects.get(name=PREFIX + "backup")

    response = logged_in_client.post(f"/system/schedules/{backup.pk}/run/")

    assert response.status_code == 302
    queued = [q.task for q in OrmQ.objects.all()]
    assert len(queued) == 1
    assert queued[0]["args"][0] == "soulspot.tasks.backup_now"
    assert queued[0]["group"] == PREFIX + "backup"


def test_run_now_refuses_a_schedule_that_is_not_soulspots(logged_in_client: Client) -> None:
    theirs = Schedule.objects.create(
        name="users-own", func="os.system", schedule_type=Schedule.MINUTES, minutes=5
    )

    response = logged_in_client.post(f"/system/schedules/{theirs.pk}/run/", follow=True)

    assert "No such schedule." in response.content.decode()
    assert OrmQ.objects.count() == 0


def test_an_interval_set_on_the_page_survives_a_restart(logged_in_client: Client) -> None:
    sync_schedules()
    backup = Schedule.objects.get(name=PREFIX + "backup")

    logged_in_client.post(f"/system/schedules/{backup.pk}/interval/", {"minutes": "180"})
    assert Schedule.objects.get(pk=backup.pk).minutes == 180
    sync_schedules()  # what `serve` does on every start

    assert Schedule.objects.get(name=PREFIX + "backup").minutes == 180
    assert Schedule.objects.get(name=PREFIX + "heartbeat").minutes == 1


@pytest.mark.parametrize("minutes", ["0", "-5", "abc", "99999999", ""])
def test_a_bad_interval_is_refused_and_nothing_changes(
    logged_in_client: Client, minutes: str
) -> None:
    sync_schedules()
    backup = Schedule.objects.get(name=PREFIX + "backup")

    response = logged_in_client.post(
        f"/system/schedules/{backup.pk}/interval/", {"minutes": minutes}, follow=True
    )

    assert "The interval must be between 1 and" in response.content.decode()
    sync_schedules()
    assert Schedule.objects.get(pk=backup.pk).minutes == 24 * 60
