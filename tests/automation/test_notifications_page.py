"""The notifications page: targets listed masked, added through the form (a bad URL refused),
switched off, deleted, and "send test" queued with the row polling until it was sent."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from automation import tasks
from automation.models import NotificationDelivery, NotificationTarget
from automation.notifications import services
from tests.automation.notify_support import listening

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def test_the_page_lists_targets_masked_with_their_last_error(logged_in_client: Client) -> None:
    target = services.create_target("json://127.0.0.1:9/hook-token-42", ["imported"])
    NotificationTarget.objects.filter(pk=target.pk).update(last_error="HTTP 500 from the hook")

    page = logged_in_client.get("/notifications/")

    assert page.status_code == 200
    assert b"json://127.\xe2\x80\xa6" in page.content and b"hook-token-42" not in page.content
    assert b"HTTP 500 from the hook" in page.content


def test_the_form_adds_a_target_with_the_chosen_events(logged_in_client: Client) -> None:
    form = {"url": "json://127.0.0.1:9/a", "name": "Phone", "events": ["failed", "new_release"]}

    answer = logged_in_client.post("/notifications/add/", form)

    assert answer.status_code == 302
    target = NotificationTarget.objects.get()
    assert (target.name, target.events) == ("Phone", ["failed", "new_release"])


def test_the_form_refuses_a_url_apprise_does_not_know(logged_in_client: Client) -> None:
    form = {"url": "nosuch://x/y", "events": ["failed"]}

    answer = logged_in_client.post("/notifications/add/", form)

    assert answer.status_code == 400
    assert b"not an Apprise URL" in answer.content
    assert not NotificationTarget.objects.exists()


def test_a_target_is_switched_off_and_deleted(logged_in_client: Client) -> None:
    target = services.create_target("json://127.0.0.1:9/a")

    logged_in_client.post(f"/notifications/{target.pk}/toggle/")
    target.refresh_from_db()
    assert target.enabled is False
    logged_in_client.post(f"/notifications/{target.pk}/delete/")
    assert not NotificationTarget.objects.exists()


def test_send_test_polls_the_row_until_the_worker_sent_it(logged_in_client: Client) -> None:
    with listening() as listener:
        target = services.create_target(listener.url())
        row = logged_in_client.post(f"/notifications/{target.pk}/test/", headers=HTMX)
        assert row.status_code == 200 and b'hx-trigger="every 2s"' in row.content
        assert listener.posts == []
        delivery = NotificationDelivery.objects.get()
        poll = f"/notifications/{target.pk}/row/{delivery.pk}/"
        assert logged_in_client.get(poll, headers=HTMX).status_code == 200

        tasks.send_notification(delivery.pk)
        done = logged_in_client.get(poll, headers=HTMX)

    assert done.status_code == 286  # htmx stops polling
    assert "sent “SoulSpot test notification”" in done.content.decode()
    assert len(listener.bodies()) == 1


def test_the_page_costs_the_same_queries_for_one_target_or_many(
    logged_in_client: Client,
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert logged_in_client.get("/notifications/").status_code == 200
        return len(captured)

    services.create_target("json://127.0.0.1:9/a")
    one = count()
    for n in range(5):
        services.create_target(f"json://127.0.0.1:9/{n}")
    assert count() == one


def test_the_admin_lists_targets_masked_and_the_notifier_records(admin_client: Client) -> None:
    services.create_target("json://127.0.0.1:9/admin-token-7")
    tasks.dispatch_notifications()
    for model in ["notificationtarget", "notificationdelivery", "notificationstate"]:
        page = admin_client.get(f"/admin/automation/{model}/")
        assert page.status_code == 200, model
        assert b"admin-token-7" not in page.content
    target = NotificationTarget.objects.get()
    change = admin_client.get(f"/admin/automation/notificationtarget/{target.pk}/change/")
    assert change.status_code == 200 and b"admin-token-7" not in change.content
    assert admin_client.get("/admin/automation/automationevent/").status_code == 200
