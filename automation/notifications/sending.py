"""Send one delivery through Apprise, with up to three tries a few minutes apart.

Only the worker sends (a slow or dead service never holds a request). Each try claims the
delivery by moving `tries` on by one in a conditional UPDATE, so a task delivered twice sends
once. The target keeps the newest outcome (`last_result`, `last_error`) for the page.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import apprise
from django.db.models import F
from django.utils import timezone

from automation.models import NotificationDelivery, NotificationTarget
from automation.notifications.services import SEND_TASK, target_url
from soulspot.lib.queue import enqueue_at
from soulspot.lib.secret_box import SecretBoxError

State = NotificationDelivery.State
# Wait before the second and the third try.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5))


def send_delivery(delivery_id: int) -> str:
    """Try to send the delivery once; queue the next try, or give up after the last."""
    delivery = NotificationDelivery.objects.select_related("target").filter(pk=delivery_id).first()
    if delivery is None or delivery.state != State.QUEUED:
        return f"notification #{delivery_id}: nothing to send"
    claimed = NotificationDelivery.objects.filter(
        pk=delivery.pk, state=State.QUEUED, tries=delivery.tries
    ).update(tries=F("tries") + 1)
    if claimed != 1:
        return f"notification #{delivery_id}: another worker is sending it"
    delivery.tries += 1
    error = _send(delivery)
    if error is None:
        return _sent(delivery)
    return _failed(delivery, error)


def _send(delivery: NotificationDelivery) -> str | None:
    """None when the service took the message, else why not."""
    try:
        url = target_url(delivery.target)
    except SecretBoxError as exc:
        return f"{exc}: enter the URL again"
    notifier = apprise.Apprise()
    if not notifier.add(url):
        return "not an Apprise URL SoulSpot can use"
    # Apprise reports why a send failed only in its log: capture it to show the user.
    with apprise.LogCapture(level=logging.WARNING) as log:
        ok = notifier.notify(title=delivery.title, body=delivery.body)
    if ok:
        return None
    lines = [line.split(" - ", 2)[-1] for line in log.getvalue().splitlines() if line.strip()]
    return "; ".join(lines[-2:]) or "the service did not accept the message"


def _sent(delivery: NotificationDelivery) -> str:
    now = timezone.now()
    NotificationDelivery.objects.filter(pk=delivery.pk).update(
        state=State.SENT, sent_at=now, error=""
    )
    result = f"sent “{delivery.title}” at {now:%Y-%m-%d %H:%M} UTC"
    NotificationTarget.objects.filter(pk=delivery.target_id).update(
        last_attempt_at=now, last_sent_at=now, last_error="", last_result=result[:1000]
    )
    return f"notification #{delivery.pk}: {result}"


def _failed(delivery: NotificationDelivery, error: str) -> str:
    now = timezone.now()
    tries, most = delivery.tries, NotificationDelivery.MAX_TRIES
    wait = timedelta(0)
    if tries >= most:
        state, result = State.FAILED, f"gave up on “{delivery.title}” after {tries} tries"
    else:
        state, wait = State.QUEUED, RETRY_DELAYS[min(tries, len(RETRY_DELAYS)) - 1]
        result = f"try {tries} of {most} failed; next try in {int(wait.total_seconds())} s"
        enqueue_at(SEND_TASK, now + wait, delivery.pk)
    NotificationDelivery.objects.filter(pk=delivery.pk).update(
        state=state, error=error[:1000], next_try_at=now + wait if state == State.QUEUED else now
    )
    NotificationTarget.objects.filter(pk=delivery.target_id).update(
        last_attempt_at=now, last_error=error[:1000], last_result=result[:1000]
    )
    logging.getLogger(__name__).warning("notification #%s: %s: %s", delivery.pk, result, error)
    return f"notification #{delivery.pk}: {result}: {error}"
