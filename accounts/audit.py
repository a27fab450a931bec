"""The audit log: who wrote what, when, from where, with which request id and outcome.

`AuditMiddleware` adds one row per non-safe request (POST, PUT, PATCH, DELETE) after the answer
is made, for pages, the API and the admin alike; GET/HEAD/OPTIONS never write. Logins (success
and failure), logouts and lockouts come from Django's and django-axes' signals, API key changes
from explicit calls (`record_event`). Writing the log never breaks the request it describes: a
failed INSERT is logged and the answer goes out unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import ResolverMatch
from django.utils import timezone

from accounts.models import AuditEntry
from soulspot.lib.client_ip import client_ip

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Set when a login signal has recorded this request: a POST to a login or logout view then
# gets no second, vaguer row (one attempt, one row). Setup logs the new user in too, but is a
# write of its own and keeps its row.
RECORDED_ATTR = "soulspot_audit_recorded"
SIGNALLED_VIEWS = frozenset({"accounts:login", "accounts:logout", "admin:login", "admin:logout"})

Kind = AuditEntry.ActorKind
Outcome = AuditEntry.Outcome


@dataclass(frozen=True)
class Event:
    """What happened, for `record_event`; who, where and the request id come from the request."""

    action: str
    outcome: str = Outcome.OK
    object_repr: str = ""
    actor: str | None = None  # None: the request's user or API key
    actor_kind: str = Kind.ANONYMOUS  # of `actor`, when given
    status_code: int | None = None


def outcome_of(status_code: int) -> str:
    if status_code >= 500:
        return Outcome.ERROR
    return Outcome.REFUSED if status_code >= 400 else Outcome.OK


def actor_of(request: HttpRequest) -> tuple[str, str]:
    """(actor, actor_kind): the API key's name, else the session's user, else anonymous.

    ninja keeps what the authenticator that let a call in returned as `request.auth`:
    `ApiKeyAuth` returns the key's name (a str), the session authenticator the user.
    """
    key_name = getattr(request, "auth", None)
    if isinstance(key_name, str) and key_name:
        return f"api key: {key_name}", Kind.API_KEY
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.get_username(), Kind.USER
    return "anonymous", Kind.ANONYMOUS


def record_event(request: HttpRequest | None, event: Event) -> AuditEntry | None:
    """Add one row for `event`; never raises (the log must not break what it records)."""
    if request is None:
        actor, kind, ip, method, path, request_id = "system", Kind.ANONYMOUS, None, "", "", ""
    else:
        actor, kind = actor_of(request)
        ip, method, path = client_ip(request), request.method or "", request.path
        request_id = getattr(request, "request_id", "")
    if event.actor is not None:
        actor, kind = event.actor, event.actor_kind
    try:
        # A savepoint, so a failed INSERT inside a caller's transaction does not doom it.
        with transaction.atomic():
            return AuditEntry.objects.create(
                actor=actor[:160],
                actor_kind=kind,
                ip=ip,
                method=method[:10],
                path=path[:500],
                action=event.action[:200],
                object_repr=event.object_repr[:200],
                status_code=event.status_code,
                outcome=event.outcome,
                request_id=request_id[:64],
            )
    except Exception:
        log.exception("audit: could not record %s %s", event.action, event.object_repr)
        return None


def describe(match: ResolverMatch | None, request: HttpRequest) -> tuple[str, str]:
    """(action, object) for a request: the namespaced URL name and what its URL names."""
    if match is None:
        return "unknown url", ""
    admin_view = _admin_view(match.url_name or "") if match.namespace == "admin" else None
    if admin_view:
        return _describe_admin(*admin_view, match, request)
    name = _ninja_operation_name(match, request.method or "")
    action = f"{match.namespace}:{name}" if name and match.namespace else match.view_name
    kwargs = " ".join(f"{key}={value}" for key, value in match.kwargs.items())
    return action, kwargs


def _admin_view(url_name: str) -> tuple[str, str] | None:
    """("library.track", "change") from `library_track_change`, for the registered models.

    Read from the registry rather than split at underscores: app labels (`django_q`) and
    views (`password_change`) contain them too.
    """
    for model in admin.site._registry:
        opts = model._meta
        prefix = f"{opts.app_label}_{opts.model_name}_"
        if url_name.startswith(prefix):
            return opts.label_lower, url_name.removeprefix(prefix)
    return None


def _describe_admin(
    model: str, view: str, match: ResolverMatch, request: HttpRequest
) -> tuple[str, str]:
    if view == "changelist":
        # A POST to the list is a bulk action on the ticked rows, or an edit of the list itself.
        action = request.POST.get("action") or "edit"
        selected = ",".join(request.POST.getlist("_selected_action"))
        return f"admin action {action} {model}", f"ids {selected}" if selected else ""
    # The object's id: `object_id` on most admin URLs, `id` on the password change.
    return f"admin {view} {model}", " ".join(str(value) for value in match.kwargs.values())


def _ninja_operation_name(match: ResolverMatch, method: str) -> str | None:
    """The API function answering `method` here (`update_engine_settings`).

    ninja names a URL after its first operation only (GET and PATCH /downloads/settings share
    `engine_settings`); the view is a closure over the PathView that knows every operation.
    """
    for cell in getattr(match.func, "__closure__", None) or ():
        operations = getattr(cell.cell_contents, "operations", None)
        for operation in operations or ():
            if method in operation.methods:
                return operation.view_func.__name__
    return None


class AuditMiddleware:
    """One audit row per non-safe request, after its answer; safe methods cost nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method in SAFE_METHODS or _recorded_by_a_signal(request):
            return response
        try:
            action, object_repr = describe(request.resolver_match, request)
        except Exception:
            log.exception("audit: could not describe %s %s", request.method, request.path)
            action, object_repr = "unknown url", ""
        status = response.status_code
        record_event(request, Event(action, outcome_of(status), object_repr, status_code=status))
        return response


def _recorded_by_a_signal(request: HttpRequest) -> bool:
    match = request.resolver_match
    return (
        getattr(request, RECORDED_ATTR, False)
        and match is not None
        and (match.view_name in SIGNALLED_VIEWS)
    )


# --- signals: logins, logouts, lockouts ---------------------------------------------------------


def _record_signalled(request: HttpRequest | None, event: Event) -> None:
    if request is not None:
        setattr(request, RECORDED_ATTR, True)
    record_event(request, event)


def record_login(sender: object, request: HttpRequest | None, user: object, **kwargs) -> None:
    _record_signalled(request, Event("login", object_repr=f"user {user.get_username()}"))


def record_login_failure(
    sender: object, credentials: dict, request: HttpRequest | None = None, **kwargs
) -> None:
    # Only the attempted username: Django already masks the password, and we never keep it.
    username = str(credentials.get("username", ""))[:150]
    event = Event("login", Outcome.REFUSED, f"user {username}", actor=username or "anonymous")
    _record_signalled(request, event)


def record_logout(sender: object, request: HttpRequest | None, user: object, **kwargs) -> None:
    name = user.get_username() if user is not None else ""
    event = Event("logout", object_repr=f"user {name}", actor=name or None, actor_kind=Kind.USER)
    _record_signalled(request, event)


def record_lockout(request: HttpRequest | None, username: str | None) -> None:
    """A login refused because the username or address is locked out (django-axes)."""
    username = (username or "")[:150]
    event = Event("lockout", Outcome.REFUSED, f"user {username}", actor=username or "anonymous")
    _record_signalled(request, event)


def on_locked_out(
    sender: object, request: HttpRequest | None = None, username: str | None = None, **kwargs
) -> None:
    record_lockout(request, username)


# --- retention ------------------------------------------------------------------------------


def prune_audit_log() -> int:
    """Delete entries older than `SOULSPOT_AUDIT_RETENTION_DAYS`; returns how many went."""
    cutoff = timezone.now() - timedelta(days=settings.SOULSPOT_AUDIT_RETENTION_DAYS)
    with transaction.atomic():
        deleted, _ = AuditEntry.objects.filter(at__lt=cutoff).delete()
    return deleted
