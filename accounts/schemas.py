"""API shapes of accounts: the audit log (mounted at /api/audit)."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from accounts.models import AuditEntry


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
    actor: str | None = Field(None, max_length=160, description="Exactly this actor.")
    actor_kind: AuditEntry.ActorKind | None = None
    action: str | None = Field(
        None, max_length=200, description="Actions starting with this (`login`, `admin`, `api:`)."
    )
    outcome: AuditEntry.Outcome | None = None
    since: datetime | None = Field(None, description="At or after this time.")
    until: datetime | None = Field(None, description="Before this time.")
