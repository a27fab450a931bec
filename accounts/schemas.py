"""API shapes of accounts: the audit log (mounted at /api/audit)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from django.utils import timezone
from ninja import Field, Schema
from pydantic import field_validator

from accounts.models import AuditEntry
from soulspot.lib.schemas import NoNul


class AuditEntryOut(Schema):
    id: int
    at: datetime
    actor: str
    actor_kind: AuditEntry.ActorKind
    ip: str | None
    method: str
    path: str
    action: str
    object_repr: str
    status_code: int | None
    outcome: AuditEntry.Outcome
    request_id: str


class AuditFilters(Schema):
    actor: Annotated[str, NoNul] | None = Field(
        None, max_length=160, description="Exactly this actor."
    )
    actor_kind: AuditEntry.ActorKind | None = None
    action: Annotated[str, NoNul] | None = Field(
        None, max_length=200, description="Actions starting with this (`login`, `admin`, `api:`)."
    )
    outcome: AuditEntry.Outcome | None = None
    since: datetime | None = Field(None, description="At or after this time (ISO 8601).")
    until: datetime | None = Field(None, description="Before this time (ISO 8601).")

    @field_validator("since", "until")
    @classmethod
    def _in_utc(cls, value: datetime | None) -> datetime | None:
        """A time without a zone is in `TZ`; in UTC every time must still be within years
        1 to 9999 (`0001-01-01T00:00+14:00` is not), or the database could not compare it."""
        if value is None:
            return None
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise ValueError("time out of range (years 1 to 9999 in UTC)") from None
