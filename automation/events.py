"""The automation event log: what happened that the user may want to be told about.

Services call `emit` after their change is committed (or inside their transaction, so the
event exists exactly when the change does); the notifications read the log.
"""

from __future__ import annotations

from automation.models import AutomationEvent


def emit(kind: str, message: str, **facts: object) -> None:
    """Record an event of `kind` ("new_release", "release_wanted"...) with its facts (JSON)."""
    AutomationEvent.objects.create(kind=kind, message=message[:1000], facts=facts)
