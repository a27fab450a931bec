"""What several admins' actions share: running a service and reporting its result.

`report_action_result` is also used by the higher apps' actions added to the library's pages.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from library import services


def report_action_result(
    admin_: admin.ModelAdmin, request: HttpRequest, result: services.ActionResult
) -> None:
    admin_.message_user(request, result.summary().capitalize() + ".", messages.SUCCESS)
    for skip in result.skipped[:10]:
        admin_.message_user(request, f"{skip.item}: {skip.reason}", messages.WARNING)


def rescan(admin_: admin.ModelAdmin, request: HttpRequest, file_ids: list[int]) -> None:
    counts = services.rescan_files(file_ids)
    admin_.message_user(
        request,
        f"Re-read {len(file_ids)} files: {counts.changed} changed, {counts.broken} broken, "
        f"{counts.removed} gone, {counts.problems} problems.",
    )


def retag(admin_: admin.ModelAdmin, request: HttpRequest, file_ids: list[int]) -> None:
    result = services.retag_files(file_ids)
    admin_.message_user(request, f"Wrote tags into {len(result.written)} files.")
    for failure in result.failed[:10]:
        admin_.message_user(request, f"{failure.path}: {failure.error}", messages.ERROR)


def resolve(admin_: admin.ModelAdmin, request: HttpRequest, group_ids: set[int]) -> None:
    """Resolve each open group with its proposed keeper."""
    for group_id in sorted(group_ids):
        try:
            result = services.resolve_duplicate_group(group_id)
        except services.DuplicateError as exc:
            admin_.message_user(request, str(exc), messages.WARNING)
            continue
        for failure in result.failed:
            text = f"Could not move {failure.path}: {failure.error}"
            admin_.message_user(request, text, messages.ERROR)
        if result.ok:
            admin_.message_user(request, f"Group #{group_id}: {len(result.moved)} recycled.")


def _set_monitored(
    model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, monitored: bool
) -> None:
    changed = sum(len(services.set_monitored(obj, monitored)) for obj in queryset)
    verb = "Monitoring" if monitored else "Stopped monitoring"
    model_admin.message_user(request, f"{verb} {changed} more tracks.")


@admin.action(description="Monitor (want them kept; albums and artists: all their tracks)")
def monitor(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    _set_monitored(model_admin, request, queryset, True)


@admin.action(description="Unmonitor (no automatic action touches them; files stay)")
def unmonitor(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    _set_monitored(model_admin, request, queryset, False)
