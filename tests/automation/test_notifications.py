"""Events become Apprise posts: history and automation events through the dispatcher, each
send its own task with three tries; targets store their URL encrypted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_q.models import Schedule

from automation import events, tasks
from automation.models import NotificationDelivery, NotificationTarget
from automation.notifications import services
from library import history
from tests.automation.notify_support import listening
from tests.factories import TrackFactory
from tests.spotify_support import run_queued

pytestmark = pytest.mark.django_db


@pytest.fixture
def listener():
    with listening() as running:
        yield running


def send_queued() -> list[str]:
    """What the worker would do with the queued sends (called directly, as in unit tests)."""
    queued = NotificationDelivery.objects.filter(state="queued").order_by("pk")
    return [tasks.send_notification(pk) for pk in queued.values_list("pk", flat=True)]


def test_an_imported_track_is_posted_once_with_its_title_and_body(listener) -> None:
    services.create_target(listener.url())
    track = TrackFactory(title="Windowlicker", artist__name="Aphex Twin")
    history.record(history.Type.IMPORTED, "Imported to /music/a.flac", track=track, job_id=7)

    assert tasks.dispatch_notifications() == "1 messages, 1 notifications queued"
    send_queued()
    assert tasks.dispatch_notifications() == "0 messages, 0 notifications queued"
    send_queued()

    [body] = listener.bodies()
    assert body["title"] == "SoulSpot: Imported"
    assert "Aphex Twin – Windowlicker" in body["message"]
    assert "Imported to /music/a.flac" in body["message"]
    target = NotificationTarget.objects.get()
    assert target.last_sent_at is not None and target.last_error == ""
    assert target.last_result.startswith("sent “SoulSpot: Imported”")


def test_a_new_release_event_is_posted(listener) -> None:
    services.create_target(listener.url())
    events.emit("new_release", "New release: Boards of Canada – Tomorrow's Harvest", group="x")

    tasks.dispatch_notifications()
    send_queued()

    [body] = listener.bodies()
    assert body["title"] == "SoulSpot: New release found"
    assert body["message"] == "New release: Boards of Canada – Tomorrow's Harvest"


def test_an_album_of_imports_in_one_run_is_one_message_listing_them(listener) -> None:
    services.create_target(listener.url())
    arrivals = [
        history.Event(f"Imported to /music/{n}.flac", track_id=TrackFactory().pk) for n in range(5)
    ]
    history.record_many(history.Type.IMPORTED, arrivals)

    assert tasks.dispatch_notifications() == "1 messages, 1 notifications queued"
    send_queued()

    [body] = listener.bodies()
    assert body["title"] == "SoulSpot: Imported (5)"
    assert [line.split(": ", 1)[1] for line in body["message"].splitlines()] == [
        f"Imported to /music/{n}.flac" for n in range(5)
    ]


def test_old_finished_deliveries_are_pruned_and_queued_ones_kept() -> None:
    target = services.create_target("json://127.0.0.1:9/a")
    old = timezone.now() - timedelta(days=31)
    for state in ("sent", "failed", "queued"):
        NotificationDelivery.objects.create(
            target=target, event="imported", title="t", body="b", state=state, created_at=old
        )

    tasks.dispatch_notifications()

    assert list(NotificationDelivery.objects.values_list("state", flat=True)) == ["queued"]


def test_a_delivery_whose_task_was_lost_is_queued_again(
    listener, django_capture_on_commit_callbacks
) -> None:
    target = services.create_target(listener.url())
    long_ago = timezone.now() - timedelta(hours=1)
    lost = NotificationDelivery.objects.create(
        target=target, event="imported", title="Lost", body="b", tries=1, next_try_at=long_ago
    )
    waiting = NotificationDelivery.objects.create(
        target=target, event="imported", title="Waiting", body="b", next_try_at=timezone.now()
    )

    with django_capture_on_commit_callbacks(execute=True):
        tasks.dispatch_notifications()
    run_queued("automation.tasks.send_notification")

    assert [body["title"] for body in listener.bodies()] == ["Lost"]
    waiting.refresh_from_db()
    assert waiting.state == "queued"
    lost.refresh_from_db()
    assert (lost.state, lost.tries) == ("sent", 2)


def test_only_the_events_a_target_chose_are_sent_to_it(listener) -> None:
    services.create_target(listener.url("/imports"), ["imported"])
    services.create_target(listener.url("/all"))
    services.create_target(listener.url("/off"), enabled=False)
    track = TrackFactory()
    history.record(history.Type.GRABBED, "Grabbed a.flac from peer", track=track)
    history.record(history.Type.SEARCHED, "Searched “x”: 3 files", track=track)
    events.emit("release_wanted", "Wanted: an album")

    assert tasks.dispatch_notifications() == "2 messages, 2 notifications queued"
    send_queued()

    assert listener.bodies("/imports") == []
    assert listener.bodies("/off") == []
    titles = sorted(body["title"] for body in listener.bodies("/all"))
    assert titles == ["SoulSpot: Release wanted", "SoulSpot: Want grabbed"]


def test_history_from_before_the_first_target_is_not_sent(listener) -> None:
    history.record(history.Type.IMPORTED, "Imported long ago", track=TrackFactory())
    services.create_target(listener.url())

    assert tasks.dispatch_notifications() == "0 messages, 0 notifications queued"


def test_a_failing_url_is_tried_three_times_then_given_up_with_its_error(listener) -> None:
    target = services.create_target(listener.url("/fail"))
    events.emit("library_problem", "Low disk space")
    tasks.dispatch_notifications()
    delivery = NotificationDelivery.objects.get()

    for attempt in (1, 2):
        assert "failed; next try in" in tasks.send_notification(delivery.pk)
        # The next try waits on the worker's scheduler, not in a sleeping task.
        assert Schedule.objects.filter(args__contains=str(delivery.pk)).count() == attempt
        target.refresh_from_db()
        assert target.last_result.startswith(f"try {attempt} of 3 failed")
        assert "500" in target.last_error
    assert "gave up" in tasks.send_notification(delivery.pk)
    assert tasks.send_notification(delivery.pk).endswith("nothing to send")

    assert len(listener.bodies("/fail")) == 3
    delivery.refresh_from_db()
    assert (delivery.state, delivery.tries) == ("failed", 3)
    target.refresh_from_db()
    assert target.last_result == "gave up on “SoulSpot: Library problem found” after 3 tries"
    assert target.last_sent_at is None and "500" in target.last_error


def test_a_send_claimed_by_another_worker_is_not_sent_twice(listener) -> None:
    services.create_target(listener.url())
    delivery = services.send_test(NotificationTarget.objects.get())
    NotificationDelivery.objects.filter(pk=delivery.pk).update(state="sent")

    assert tasks.send_notification(delivery.pk).endswith("nothing to send")
    assert listener.posts == []


def test_the_url_is_stored_only_encrypted(listener) -> None:
    url = listener.url("/secret-token-abc123")
    target = services.create_target(url)

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM automation_notificationtarget")
        row = " ".join(str(value) for value in cursor.fetchone())
    assert "secret-token-abc123" not in row and str(listener.port) not in row
    assert target.masked == "json://127.…"
    assert services.target_url(target) == url


def test_a_text_apprise_does_not_know_is_refused() -> None:
    with pytest.raises(services.BadNotificationUrl):
        services.create_target("nosuchscheme://host/path")
    with pytest.raises(services.Invalid, match="unknown events: nope"):
        services.create_target("json://127.0.0.1/x", ["nope"])
    assert not NotificationTarget.objects.exists()


def test_environment_urls_are_added_once_and_a_deleted_one_stays_deleted(settings) -> None:
    settings.SOULSPOT_NOTIFY_URLS = ["json://127.0.0.1:9/a", "bogus://x"]

    assert services.seed_from_environment() == 2
    assert services.seed_from_environment() == 0
    good, bad = NotificationTarget.objects.order_by("pk")
    assert good.events == services.ALL_EVENTS and good.enabled and good.from_environment
    assert not bad.enabled and "not an Apprise URL" in bad.last_error
    services.delete_target(good)
    settings.SOULSPOT_NOTIFY_URLS = ["json://127.0.0.1:9/a", "json://127.0.0.1:9/b"]

    assert services.seed_from_environment() == 1
    assert [services.target_url(t) for t in NotificationTarget.objects.filter(enabled=True)] == [
        "json://127.0.0.1:9/b"
    ]
