"""The notifications API: targets with write-only URLs, their events, and "send test" queued
for the worker (202) whose outcome shows as the target's last result."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from automation.models import NotificationTarget
from automation.notifications import services
from tests.automation.notify_support import listening
from tests.spotify_support import run_queued

pytestmark = pytest.mark.django_db


def _send(client: Client, method: str, path: str, body: dict | None = None) -> object:
    data = json.dumps(body) if body is not None else None
    return getattr(client, method)(path, data, content_type="application/json")


def test_a_target_is_added_changed_and_deleted_without_its_url_ever_answered(
    api_client: Client,
) -> None:
    url = "json://127.0.0.1:9/hooks/token-s3cr3t"
    created = _send(api_client, "post", "/api/notifications", {"url": url, "name": "Phone"})
    assert created.status_code == 201, created.content
    target = created.json()
    assert target["url"] == "json://127.…" and target["events"] == services.ALL_EVENTS

    path = f"/api/notifications/{target['id']}"
    changed = _send(api_client, "patch", path, {"events": ["failed", "imported"]})
    assert changed.json()["events"] == ["imported", "failed"]
    assert _send(api_client, "patch", path, {"enabled": False}).json()["enabled"] is False
    moved = _send(api_client, "patch", path, {"url": "json://10.1.2.3/other-token"})
    assert moved.json()["url"] == "json://10.1…"

    answers = [created, changed, moved, api_client.get(path), api_client.get(path[:-2] + "")]
    for answer in answers:
        assert b"s3cr3t" not in answer.content and b"other-token" not in answer.content
    assert api_client.delete(path).status_code == 204
    assert api_client.get(path).status_code == 404


def test_a_bad_url_or_event_is_refused_and_nothing_is_stored(api_client: Client) -> None:
    bad_url = _send(api_client, "post", "/api/notifications", {"url": "nope://x/y"})
    assert bad_url.status_code == 422
    assert "not an Apprise URL" in bad_url.json()["detail"]
    bad_event = {"url": "json://127.0.0.1/x", "events": ["birthday"]}
    assert _send(api_client, "post", "/api/notifications", bad_event).status_code == 422
    too_long = {"url": "json://127.0.0.1/" + "x" * 2000}
    assert _send(api_client, "post", "/api/notifications", too_long).status_code == 422
    assert not NotificationTarget.objects.exists()


def test_send_test_is_queued_and_its_result_shows_on_the_target(
    api_client: Client, django_capture_on_commit_callbacks
) -> None:
    with listening() as listener:
        target = services.create_target(listener.url())
        with django_capture_on_commit_callbacks(execute=True):
            answer = api_client.post(f"/api/notifications/{target.pk}/test")
        assert answer.status_code == 202
        assert answer.json()["state"] == "queued"
        assert listener.posts == []  # nothing is sent by the request itself

        assert run_queued("automation.tasks.send_notification")[0].endswith("UTC")

        [body] = listener.bodies()
    assert body["title"] == "SoulSpot test notification"
    shown = api_client.get(f"/api/notifications/{target.pk}").json()
    assert shown["last_result"].startswith("sent “SoulSpot test notification”")
    assert shown["last_error"] == ""


def test_send_test_to_a_failing_url_shows_the_error(
    api_client: Client, django_capture_on_commit_callbacks
) -> None:
    with listening() as listener:
        target = services.create_target(listener.url("/fail"))
        with django_capture_on_commit_callbacks(execute=True):
            api_client.post(f"/api/notifications/{target.pk}/test")
        run_queued("automation.tasks.send_notification")

    shown = api_client.get(f"/api/notifications/{target.pk}").json()
    assert shown["last_result"].startswith("try 1 of 3 failed; next try in 60 s")
    assert "500" in shown["last_error"]


def test_environment_urls_appear_on_first_use(api_client: Client, settings) -> None:
    settings.SOULSPOT_NOTIFY_URLS = ["json://127.0.0.1:9/from-env-token"]

    listed = api_client.get("/api/notifications")

    [item] = listed.json()["items"]
    assert item["from_environment"] is True and item["url"] == "json://127.…"
    assert b"from-env-token" not in listed.content


def test_the_list_costs_the_same_queries_for_one_target_or_many(api_client: Client) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api_client.get("/api/notifications").status_code == 200
        return len(captured)

    services.create_target("json://127.0.0.1:9/a")
    one = count()
    for n in range(5):
        services.create_target(f"json://127.0.0.1:9/{n}")
    assert count() == one
