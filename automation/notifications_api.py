"""REST endpoints for notification targets (mounted at /api/notifications). Each calls one
service; sending, tests included, happens on the worker, never in a request.

No `from __future__ import annotations` here: django-ninja reads these annotations at runtime.
"""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from automation.models import NotificationTarget
from automation.notifications import services
from automation.notifications.schemas import (
    NotificationIn,
    NotificationOut,
    NotificationPatch,
    TestOut,
)
from soulspot.lib.pagination import Page
from soulspot.lib.schemas import Id, errors

router = Router(tags=["notifications"])


@router.get("", response=list[NotificationOut], summary="Notification targets")
@paginate(Page)
def list_targets(request: HttpRequest) -> QuerySet:
    """Every target with its events and last result; the URLs masked. Targets named in
    SOULSPOT_NOTIFY_URLS are added here on first use."""
    services.seed_from_environment()
    return NotificationTarget.objects.all()


@router.post("", response={201: NotificationOut, **errors(422)}, summary="Add a target")
def create_target(request: HttpRequest, payload: NotificationIn) -> Status:
    """422 when the URL is not one Apprise understands."""
    target = services.create_target(
        payload.url, payload.events, enabled=payload.enabled, name=payload.name
    )
    return Status(201, target)


@router.get("/{target_id}", response={200: NotificationOut, **errors(404)}, summary="A target")
def get_target(request: HttpRequest, target_id: Id) -> NotificationTarget:
    return get_object_or_404(NotificationTarget, pk=target_id)


@router.patch(
    "/{target_id}", response={200: NotificationOut, **errors(404, 422)}, summary="Change a target"
)
def update_target(
    request: HttpRequest, target_id: Id, payload: NotificationPatch
) -> NotificationTarget:
    """Fields left out stay as they are; a new URL replaces the old one."""
    target = get_object_or_404(NotificationTarget, pk=target_id)
    changes = services.TargetChanges(**payload.dict(exclude_unset=True))
    return services.update_target(target, changes)


@router.delete("/{target_id}", response={204: None, **errors(404)}, summary="Delete a target")
def delete_target(request: HttpRequest, target_id: Id) -> Status:
    services.delete_target(get_object_or_404(NotificationTarget, pk=target_id))
    return Status(204, None)


@router.post(
    "/{target_id}/test", response={202: TestOut, **errors(404)}, summary="Send a test message"
)
def send_test(request: HttpRequest, target_id: Id) -> Status:
    """Queues a test message for the worker (202); its outcome appears as the target's
    `last_result` / `last_error`."""
    delivery = services.send_test(get_object_or_404(NotificationTarget, pk=target_id))
    return Status(202, {"delivery_id": delivery.pk, "state": delivery.state})
