"""Notification targets: create, change, delete, seed from SOULSPOT_NOTIFY_URLS, send a test.

A target's Apprise URL carries the service's token, so it is encrypted before it is stored and
never shown again: answers and pages show `masked`. Sends are never made here: a test message
is a delivery queued for the worker, like every other notification.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import apprise
from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac

from automation.models import NotificationDelivery, NotificationState, NotificationTarget
from soulspot.lib import secret_box
from soulspot.lib.errors import Invalid
from soulspot.lib.queue import enqueue

Event = NotificationTarget.Event
ALL_EVENTS = [event.value for event in Event]
SEND_TASK = "automation.tasks.send_notification"
TEST_EVENT = "test"
# How much of the host the mask keeps: enough to tell two targets apart, too little to use
# (for some services the "host" is the token itself, e.g. Telegram's bot token).
MASK_HOST_CHARS = 4


@dataclass(frozen=True)
class TargetChanges:
    """What a PATCH changes; None leaves a field as it is."""

    url: str | None = None
    events: list[str] | None = None
    enabled: bool | None = None
    name: str | None = None


class BadNotificationUrl(Invalid):
    """The text is not an Apprise URL this version knows."""


def create_target(
    url: str, events: list[str] | None = None, *, enabled: bool = True, name: str = ""
) -> NotificationTarget:
    """Add a target for `url` (all events unless `events` says which), stored encrypted."""
    target = NotificationTarget(name=name, enabled=enabled, events=_events(events))
    _set_url(target, url)
    with transaction.atomic():
        # The notifier's cursors start now, so a first target is not sent the old history.
        NotificationState.get()
        target.save()
    return target


def update_target(target: NotificationTarget, changes: TargetChanges) -> NotificationTarget:
    """Apply a PATCH; a new URL is checked and encrypted like a new target's."""
    if changes.url is not None:
        _set_url(target, changes.url)
    if changes.events is not None:
        target.events = _events(changes.events)
    if changes.enabled is not None:
        target.enabled = changes.enabled
    if changes.name is not None:
        target.name = changes.name
    with transaction.atomic():
        target.save()
    return target


def delete_target(target: NotificationTarget) -> None:
    """Remove a target and its deliveries; one seeded from the environment stays removed."""
    with transaction.atomic():
        target.delete()


def send_test(target: NotificationTarget) -> NotificationDelivery:
    """Queue a test message to `target`; its outcome shows as the target's last result."""
    with transaction.atomic():
        delivery = NotificationDelivery.objects.create(
            target=target,
            event=TEST_EVENT,
            title="SoulSpot test notification",
            body="If you read this, SoulSpot can reach you here.",
        )
        transaction.on_commit(lambda: enqueue(SEND_TASK, delivery.pk))
    return delivery


def seed_from_environment() -> int:
    """Add a target (all events) for each SOULSPOT_NOTIFY_URLS entry never added before.

    Idempotent and cheap, so the notifier's one-minute task and the notifications page and API
    call it: the environment is read where SoulSpot runs, not frozen into a migration, a URL
    added to the variable later is picked up, and one the user deleted is not brought back
    (its digest stays in `seeded_digests`).
    """
    urls = settings.SOULSPOT_NOTIFY_URLS
    if not urls:
        return 0
    added = 0
    with transaction.atomic():
        state = NotificationState.get()
        state = NotificationState.objects.select_for_update().get(pk=state.pk)
        seeded = set(state.seeded_digests)
        for url in urls:
            digest = url_digest(url)
            if digest in seeded:
                continue
            seeded.add(digest)
            if _seed_one(url):
                added += 1
        state.seeded_digests = sorted(seeded)
        state.save(update_fields=["seeded_digests"])
    return added


def _seed_one(url: str) -> bool:
    if NotificationTarget.objects.filter(url_digest=url_digest(url)).exists():
        return False
    target = NotificationTarget(events=list(ALL_EVENTS), from_environment=True)
    try:
        _set_url(target, url)
    except BadNotificationUrl as exc:
        # Kept as a disabled target so the page shows what is wrong with the variable.
        target.encrypted_url = secret_box.encrypt(url)
        target.url_digest, target.masked = url_digest(url), mask(url)
        target.enabled, target.last_error = False, str(exc)
    target.save()
    return True


def target_url(target: NotificationTarget) -> str:
    """The target's URL in clear, for the sender only. SecretBoxError when the key is gone."""
    return secret_box.decrypt(target.encrypted_url)


def url_digest(url: str) -> str:
    return salted_hmac("soulspot.notifications.url", url.strip()).hexdigest()


def mask(url: str) -> str:
    """`json://127.…`: the scheme and the first characters of the host, never the rest."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
    except ValueError:
        return "…"
    scheme = parts.scheme or "?"
    return f"{scheme}://{host[:MASK_HOST_CHARS]}…"


def _set_url(target: NotificationTarget, url: str) -> None:
    url = url.strip()
    if not url or not apprise.Apprise().add(url):
        raise BadNotificationUrl(
            "not an Apprise URL SoulSpot can use (see https://github.com/caronc/apprise/wiki)"
        )
    target.encrypted_url = secret_box.encrypt(url)
    target.url_digest = url_digest(url)
    target.masked = mask(url)
    target.last_error = ""


def _events(events: list[str] | None) -> list[str]:
    if events is None:
        return list(ALL_EVENTS)
    unknown = sorted(set(events) - set(ALL_EVENTS))
    if unknown:
        raise Invalid(f"unknown events: {', '.join(unknown)}; known: {', '.join(ALL_EVENTS)}")
    # Kept in the order of the list of events, without repeats.
    return [event for event in ALL_EVENTS if event in events]
