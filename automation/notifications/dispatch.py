"""Turn new events into deliveries: one per (target, event) for each target that chose it.

The sources are read by cursor, so no lower app needs to know about notifications:
`library.HistoryEvent` rows (grabbed, imported, failed — recorded only when a job gave up after
all its attempts —, upgraded) and `AutomationEvent` rows (new_release, release_wanted,
library_problem). Each delivery is sent by its own task (`sending.send_delivery`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from automation.models import (
    AutomationEvent,
    NotificationDelivery,
    NotificationState,
    NotificationTarget,
)
from automation.notifications.services import SEND_TASK
from library.models import HistoryEvent
from soulspot.lib.queue import enqueue

Event = NotificationTarget.Event
# The history types worth telling, and the notification event each one is.
HISTORY_EVENTS = {
    HistoryEvent.Type.GRABBED: Event.WANT_GRABBED,
    HistoryEvent.Type.IMPORTED: Event.IMPORTED,
    HistoryEvent.Type.FAILED: Event.FAILED,
    HistoryEvent.Type.UPGRADED: Event.UPGRADED,
}
AUTOMATION_EVENTS = {Event.NEW_RELEASE, Event.RELEASE_WANTED, Event.LIBRARY_PROBLEM}
# Rows read per run and source: an album import is a few dozen events; a backlog drains over
# a few minutes rather than in one long transaction.
BATCH = 500
# More events of one kind than this in one run (an album imported) make one message listing
# them, not a message each.
GROUP_AFTER = 3
# A queued delivery this long past its due time lost its task; a busy worker queue is never
# that far behind.
STALLED_AFTER = timedelta(minutes=30)
# Sent and given-up deliveries are kept this long for the admin, then deleted.
KEEP_DELIVERIES = timedelta(days=30)


@dataclass(frozen=True)
class Message:
    event: str
    title: str
    body: str


def dispatch_new_events() -> str:
    """Queue a delivery per chosen (target, event) for events after the cursors; advance them."""
    with transaction.atomic():
        NotificationState.get()
        # Locked for the run: two dispatchers never send the same events, nor requeue twice.
        state = NotificationState.objects.select_for_update().get(pk=1)
        messages, state.history_cursor = _history_messages(state.history_cursor)
        more, state.event_cursor = _automation_messages(state.event_cursor)
        messages = _grouped(messages + more)
        state.save(update_fields=["history_cursor", "event_cursor"])
        ids = [delivery.pk for delivery in _deliveries(messages)] + _stalled()
        transaction.on_commit(lambda: [enqueue(SEND_TASK, pk) for pk in ids])
        _prune()
    return f"{len(messages)} messages, {len(ids)} notifications queued"


def _history_messages(cursor: int) -> tuple[list[Message], int]:
    rows = list(HistoryEvent.objects.filter(pk__gt=cursor).with_track().order_by("pk")[:BATCH])
    messages = []
    for row in rows:
        event = HISTORY_EVENTS.get(row.type)
        if event is None:
            continue
        about = f"{row.track}: " if row.track else ""
        messages.append(Message(event, f"SoulSpot: {event.label}", f"{about}{row.message}"))
    return messages, rows[-1].pk if rows else cursor


def _automation_messages(cursor: int) -> tuple[list[Message], int]:
    rows = list(AutomationEvent.objects.filter(pk__gt=cursor).order_by("pk")[:BATCH])
    messages = [
        Message(row.kind, f"SoulSpot: {Event(row.kind).label}", row.message)
        for row in rows
        if row.kind in AUTOMATION_EVENTS
    ]
    return messages, rows[-1].pk if rows else cursor


def _grouped(messages: list[Message]) -> list[Message]:
    by_event: dict[str, list[Message]] = {}
    for message in messages:
        by_event.setdefault(message.event, []).append(message)
    grouped = []
    for event, same in by_event.items():
        if len(same) <= GROUP_AFTER:
            grouped += same
            continue
        title = f"SoulSpot: {Event(event).label} ({len(same)})"
        grouped.append(Message(event, title, "\n".join(message.body for message in same)))
    return grouped


def _prune() -> None:
    cutoff = timezone.now() - KEEP_DELIVERIES
    old = NotificationDelivery.objects.filter(created_at__lt=cutoff)
    old.exclude(state=NotificationDelivery.State.QUEUED).delete()


def _stalled() -> list[int]:
    """The deliveries whose task was lost (a worker died before it sent), due again now."""
    now = timezone.now()
    stalled = NotificationDelivery.objects.filter(
        state=NotificationDelivery.State.QUEUED, next_try_at__lt=now - STALLED_AFTER
    )
    ids = list(stalled.values_list("pk", flat=True)[:BATCH])
    NotificationDelivery.objects.filter(pk__in=ids).update(next_try_at=now)
    return ids


def _deliveries(messages: list[Message]) -> list[NotificationDelivery]:
    if not messages:
        return []
    targets = list(NotificationTarget.objects.enabled())
    rows = [
        NotificationDelivery(
            target=target, event=message.event, title=message.title[:250], body=message.body[:2000]
        )
        for message in messages
        for target in targets
        if message.event in target.events
    ]
    return NotificationDelivery.objects.bulk_create(rows)
