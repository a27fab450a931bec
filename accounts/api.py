"""REST endpoints of accounts: the audit log (mounted at /api/audit).

No `from __future__ import annotations` here: django-ninja reads these annotations at runtime.
"""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from accounts.models import AuditEntry
from accounts.schemas import AuditEntryOut, AuditFilters
from soulspot.lib.pagination import Page

router = Router(tags=["audit"])


@router.get("", response=list[AuditEntryOut], summary="Audit log")
@paginate(Page)
def list_audit(request: HttpRequest, filters: Query[AuditFilters]) -> QuerySet:
    """Every write, login, logout, lockout and API key change, newest first. A time without
    a zone is read in the server's zone (`TZ`)."""
    return AuditEntry.objects.filtered(**filters.dict()).newest_first()
