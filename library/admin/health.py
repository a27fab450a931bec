"""Library health: duplicate groups, scans and their problems, album completeness."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from library import services
from library.admin import actions
from library.admin.files import TrackFileInline
from library.models import (
    AlbumCompleteness,
    DuplicateGroup,
    HistoryEvent,
    LibraryScan,
    ScanProblem,
)


class DuplicateFileInline(TrackFileInline):
    fk_name = "duplicate_group"
    fields = [
        "path",
        "track",
        "format",
        "quality",
        "bitrate",
        "tag_score",
        "is_missing",
        "recycled_to",
    ]
    readonly_fields = fields


@admin.register(DuplicateGroup)
class DuplicateGroupAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "status", "reasons", "keeper", "file_count", "updated_at"]
    list_filter = ["kind", "status"]
    search_fields = ["files__path", "files__track__title"]
    list_select_related = ["keeper"]
    readonly_fields = [
        "key",
        "signature",
        "kind",
        "status",
        "reasons",
        "keeper",
        "resolution",
        "created_at",
        "updated_at",
        "resolved_at",
    ]
    show_full_result_count = False
    inlines = [DuplicateFileInline]
    actions = ["resolve", "dismiss"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(file_count=Count("files"))

    @admin.display(description="files", ordering="file_count")
    def file_count(self, group: DuplicateGroup) -> int:
        return group.file_count

    @admin.action(description="Resolve (keep the proposed file, recycle the others)")
    def resolve(self, request: HttpRequest, queryset: QuerySet) -> None:
        actions.resolve(self, request, set(queryset.values_list("pk", flat=True)))

    @admin.action(description="Not duplicates (dismiss)")
    def dismiss(self, request: HttpRequest, queryset: QuerySet) -> None:
        for group_id in queryset.open().values_list("pk", flat=True):
            services.dismiss_duplicate_group(group_id)
        self.message_user(request, "Dismissed the open groups among those selected.")


@admin.register(LibraryScan)
class LibraryScanAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "path",
        "full",
        "status",
        "phase",
        "files_total",
        "files_new",
        "files_changed",
        "files_removed",
        "files_broken",
        "problem_count",
        "created_at",
        "duration_seconds",
    ]
    list_filter = ["status", "full", "requested_by"]
    search_fields = ["path"]
    readonly_fields = [f.name for f in LibraryScan._meta.fields]
    show_full_result_count = False
    actions = ["cancel"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # scans start from the Library pages, the API or `manage.py scan`

    @admin.action(description="Cancel")
    def cancel(self, request: HttpRequest, queryset: QuerySet) -> None:
        for scan_id in queryset.active().values_list("pk", flat=True):
            services.cancel_scan(scan_id)
        self.message_user(request, "Cancelled the active scans among those selected.")


@admin.register(ScanProblem)
class ScanProblemAdmin(admin.ModelAdmin):
    list_display = ["scan", "kind", "path", "detail", "created_at"]
    list_filter = ["kind"]
    search_fields = ["path", "detail"]
    list_select_related = ["scan"]
    readonly_fields = ["scan", "kind", "path", "detail", "created_at"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(AlbumCompleteness)
class AlbumCompletenessAdmin(admin.ModelAdmin):
    list_display = [
        "album",
        "source",
        "owned_count",
        "expected_count",
        "is_complete",
        "checked_at",
        "error",
    ]
    list_filter = ["is_complete", "source"]
    search_fields = ["album__title", "album__artist__name", "release_id"]
    list_select_related = ["album", "album__artist"]
    readonly_fields = [
        "album",
        "source",
        "release_id",
        "expected",
        "expected_count",
        "owned_count",
        "missing",
        "is_complete",
        "checked_at",
        "error",
    ]
    show_full_result_count = False


@admin.register(HistoryEvent)
class HistoryEventAdmin(admin.ModelAdmin):
    """The want history is append-only: readable here, never added to or changed."""

    list_display = ["at", "type", "track", "job_id", "message"]
    list_filter = ["type"]
    search_fields = ["message", "track__title", "track__artist__name"]
    list_select_related = ["track", "track__artist"]
    readonly_fields = ["at", "type", "track", "job_id", "message", "detail"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
