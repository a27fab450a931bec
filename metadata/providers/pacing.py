"""Pacing requests to an outside service across every SoulSpot process.

MusicBrainz allows about one request per second per IP. `serve` runs the web process and
several workers, so a per-process limiter would let them together go several times too fast.
Each request instead reserves the next free slot in the database (`ProviderPace`, one row per
service) in a short transaction, and sleeps outside it until its slot: one slow request never
holds the others back beyond the agreed pace. SQLite serialises the reservation by its write
lock (transactions begin IMMEDIATE); PostgreSQL by `select_for_update()`.

Callers make their network calls outside transactions (as every provider call must), so the
reservation commits at once and the row is never locked for longer than that.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from metadata.models import ProviderPace


def wait_for_slot(service: str, interval: float) -> float:
    """Block until this process may send its next request to `service`, keeping requests from
    every process at least `interval` seconds apart; returns the seconds waited. 0 = no pacing."""
    if interval <= 0:
        return 0.0
    delay = reserve_slot(service, interval)
    if delay > 0:
        time.sleep(delay)
    return max(delay, 0.0)


def reserve_slot(service: str, interval: float) -> float:
    """Reserve the next free slot for `service`; returns the seconds until it starts."""
    ProviderPace.objects.get_or_create(service=service, defaults={"next_slot_at": timezone.now()})
    with transaction.atomic():
        pace = ProviderPace.objects.select_for_update().get(service=service)
        now = timezone.now()
        slot = max(now, pace.next_slot_at)
        pace.next_slot_at = slot + timedelta(seconds=interval)
        pace.save(update_fields=["next_slot_at"])
    return (slot - now).total_seconds()
