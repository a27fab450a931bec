"""Admin for the import pipeline: imports, per-file records, gaps, covers."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from metadata import refresh, services
from metadata.models import (
    AlbumCover,
    ImportBatch,
    ImportItem,
    MetadataGap,
    ProviderResponse,
    RefreshMiss,
)
from metadata.providers import cache


class ImportItemInline(admin.TabularInline):
    model = ImportItem
    fields = ["source_path", "state", "reason", "library_path"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).problems()


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "path",
        "status",
        "total",
        "done",
        "imported",
        "skipped",
        "failed",
        "created_at",
    ]
    list_filter = ["status", "keep_source"]
    search_fields = ["path"]
    # The path is checked against SOULSPOT_IMPORT_DIRS when the import page or the API creates a
    # batch; a batch added or re-pointed here would skip that check (then "Resume" runs it).
    readonly_fields = [
        "path",
        "keep_source",
        "status",
        "total",
        "done",
        "imported",
        "skipped",
        "failed",
        "error",
        "created_at",
        "started_at",
        "finished_at",
        "updated_at",
    ]
    inlines = [ImportItemInline]
    actions = ["resume"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Resume (continue a stopped import)")
    def resume(self, request: HttpRequest, queryset: QuerySet[ImportBatch]) -> None:
        count = services.resume_folder_imports(list(queryset.values_list("pk", flat=True)))
        messages.info(request, f"{count} imports will continue in the background.")


@admin.register(ImportItem)
class ImportItemAdmin(admin.ModelAdmin):
    list_display = ["source_path", "state", "track", "library_path", "reason", "created_at"]
    list_filter = ["state", ("batch", admin.EmptyFieldListFilter)]
    search_fields = ["source_path", "library_path", "reason"]
    list_select_related = ["track", "track__artist"]
    raw_id_fields = ["track", "batch"]
    readonly_fields = [
        "batch",
        "track",
        "source_path",
        "staged_path",
        "library_path",
        "set_aside_path",
        "sha256",
        "state",
        "reason",
        "attempts",
        "created_at",
        "updated_at",
    ]


@admin.register(MetadataGap)
class MetadataGapAdmin(admin.ModelAdmin):
    list_display = ["track", "kind", "reason", "attempts", "next_attempt_at"]
    list_filter = ["kind"]
    search_fields = ["track__title", "track__artist__name", "reason"]
    list_select_related = ["track", "track__artist"]
    raw_id_fields = ["track"]
    readonly_fields = ["attempts", "created_at", "updated_at"]
    actions = ["fill_now"]

    @admin.action(description="Fill in now")
    def fill_now(self, request: HttpRequest, queryset: QuerySet[MetadataGap]) -> None:
        filled = 0
        for track_id in set(queryset.values_list("track_id", flat=True)):
            filled += len(services.fill_track_gaps(track_id))
        messages.info(request, f"{filled} gaps filled; the rest stay scheduled.")


@admin.register(AlbumCover)
class AlbumCoverAdmin(admin.ModelAdmin):
    list_display = ["album", "source", "image_url", "updated_at"]
    list_filter = ["source"]
    search_fields = ["album__title", "album__artist__name", "image_url"]
    list_select_related = ["album", "album__artist"]
    raw_id_fields = ["album"]
    readonly_fields = ["source", "updated_at"]


# --- actions for the library's admin pages (added to them by soulspot/admin.py) ------------


@admin.action(description="Check completeness against the release (in the background)")
def check_completeness(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset) -> None:
    album_ids = list(queryset.values_list("pk", flat=True))
    services.enqueue_album_check(album_ids)
    modeladmin.message_user(request, f"Checking {len(album_ids)} albums in the background.")


@admin.register(ProviderResponse)
class ProviderResponseAdmin(admin.ModelAdmin):
    """Remembered provider answers: read-only (they come from the services); clearing some
    makes the next request for them ask again."""

    list_display = ["kind", "key", "not_found", "fetched_at", "expires_at", "hits", "loads"]
    list_filter = ["kind", "not_found"]
    search_fields = ["key"]
    date_hierarchy = "fetched_at"
    actions = ["clear_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # "Clear selected" deletes, keeping the hit/miss figures

    @admin.action(description="Clear selected (ask the service again next time)")
    def clear_selected(self, request: HttpRequest, queryset: QuerySet[ProviderResponse]) -> None:
        deleted = cache.forget(queryset)
        self.message_user(request, f"{deleted} remembered answers cleared.", messages.SUCCESS)


@admin.register(RefreshMiss)
class RefreshMissAdmin(admin.ModelAdmin):
    list_display = ["kind", "object_id", "musicbrainz_id", "missed_at"]
    list_filter = ["kind"]
    search_fields = ["musicbrainz_id"]
    list_select_related: list[str] = []
    readonly_fields = ["kind", "object_id", "musicbrainz_id", "missed_at"]


@admin.action(description="Refresh from MusicBrainz (in the background)")
def refresh_from_musicbrainz(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset) -> None:
    """For the library's album, track and artist admin pages (added by soulspot/admin.py)."""
    ids = tuple(queryset.values_list("pk", flat=True))
    field = {"album": "album_ids", "track": "track_ids", "artist": "artist_ids"}
    scope = refresh.Scope(**{field[queryset.model._meta.model_name]: ids})
    refresh.queue_refresh(scope)
    modeladmin.message_user(request, f"Refreshing {len(ids)} from MusicBrainz in the background.")
