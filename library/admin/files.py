"""Files on disk: the inline shown under a track, and the files' own admin."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from library import services
from library.admin import actions
from library.admin.filters import DuplicateFilter, QualityFilter
from library.models import TrackFile


class TrackFileInline(admin.TabularInline):
    model = TrackFile
    fk_name = "track"
    fields = [
        "path",
        "format",
        "quality",
        "bitrate",
        "size",
        "is_broken",
        "broken_reason",
        "is_missing",
        "duplicate_group",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(TrackFile)
class TrackFileAdmin(admin.ModelAdmin):
    list_display = [
        "path",
        "track",
        "format",
        "quality",
        "bitrate",
        "sample_rate",
        "bit_depth",
        "size",
        "is_broken",
        "is_missing",
        "duplicate_group",
    ]
    list_filter = ["format", QualityFilter, "is_broken", "is_missing", DuplicateFilter]
    search_fields = ["path", "sha256", "track__title", "track__artist__name"]
    list_select_related = ["track", "track__artist", "duplicate_group"]
    raw_id_fields = ["track", "duplicate_group"]
    readonly_fields = [
        "size",
        "mtime",
        "sha256",
        "format",
        "quality",
        "bitrate",
        "sample_rate",
        "bit_depth",
        "duration_ms",
        "tag_score",
        "is_broken",
        "broken_reason",
        "is_missing",
        "recycled_to",
        "last_scanned_at",
        "created_at",
        "updated_at",
    ]
    show_full_result_count = False
    actions = ["rescan", "retag", "resolve_duplicates", "recycle"]  # + "re-download"

    @admin.action(description="Rescan (re-read now)")
    def rescan(self, request: HttpRequest, queryset: QuerySet) -> None:
        actions.rescan(self, request, list(queryset.values_list("pk", flat=True)))

    @admin.action(description="Write tags from the catalogue")
    def retag(self, request: HttpRequest, queryset: QuerySet) -> None:
        actions.retag(self, request, list(queryset.values_list("pk", flat=True)))

    @admin.action(description="Resolve their duplicate groups (keep the proposed file)")
    def resolve_duplicates(self, request: HttpRequest, queryset: QuerySet) -> None:
        groups = queryset.in_open_duplicate_group().values_list("duplicate_group", flat=True)
        actions.resolve(self, request, set(groups))

    @admin.action(description="Move to the recycle bin")
    def recycle(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        actions.report_action_result(
            self, request, services.recycle_files(ids, reason="recycled from the admin")
        )
