"""Automation's own events (a new release found, a release wanted, a library problem), kept as
`AutomationEvent` rows for the notifier to read; nothing is sent from here."""

from __future__ import annotations

from automation.models import AutomationEvent


def emit(kind: str, message: str, **facts: object) -> None:
    """Record that `kind` happened, in words and as JSON-friendly facts.

    The notification task turns the row into one delivery per target that chose `kind`
    (`new_release`, `release_wanted`, `library_problem`), so callers never wait on a send.
    """
    AutomationEvent.objects.create(kind=kind[:40], message=message[:1000], facts=facts)
