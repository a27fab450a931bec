"""Library curation in the admin: search, filters, inline files, and actions that call services.

Changelists show a fixed number of queries whatever the row count: every related object shown
is in `list_select_related`, filters use fixed choices (never a list of all related rows), and
the unfiltered total count is skipped (`show_full_result_count`).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from library import services
from library.models import (
    Album,
    AlbumCompleteness,
    Artist,
    DuplicateGroup,
    HistoryEvent,
    LibraryScan,
    Playlist,
    PlaylistEntry,
    QualityProfile,
    ScanProblem,
    Track,
    TrackFile,
)
from library.quality import QUALITIES

# --- filters ------------------------------------------------------------------------------------


class _FileFilter(admin.SimpleListFilter):
    """Tracks (any of their files) or files by a fact of the file, with fixed choices."""

    options: list[tuple[str, str]] = [("1", "Yes"), ("0", "No")]

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return self.options

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() is None:
            return queryset
        conditions, wanted = self.conditions(self.value())
        if queryset.model is Track:
            method = queryset.having_files if wanted else queryset.without_files
            return method(**conditions)
        return queryset.filter(**conditions) if wanted else queryset.exclude(**conditions)

    def conditions(self, value: str) -> tuple[dict, bool]:
        """The file conditions, and whether to keep (True) or drop (False) what matches."""
        raise NotImplementedError


class FormatFilter(_FileFilter):
    title = "file format"
    parameter_name = "file_format"
    options = TrackFile.Format.choices

    def conditions(self, value: str) -> tuple[dict, bool]:
        return {"format": value}, True


class QualityFilter(_FileFilter):
    title = "quality"
    parameter_name = "file_quality"
    options = list(QUALITIES.items())

    def conditions(self, value: str) -> tuple[dict, bool]:
        return {"quality": value}, True


class BrokenFilter(_FileFilter):
    title = "broken file"
    parameter_name = "broken"

    def conditions(self, value: str) -> tuple[dict, bool]:
        return {"is_broken": True, "is_missing": False}, value == "1"


class MissingFilter(_FileFilter):
    title = "missing file"
    parameter_name = "missing"

    def conditions(self, value: str) -> tuple[dict, bool]:
        return {"is_missing": True}, value == "1"


class DuplicateFilter(_FileFilter):
    title = "duplicate"
    parameter_name = "duplicate"

    def conditions(self, value: str) -> tuple[dict, bool]:
        return {"duplicate_group__status": DuplicateGroup.Status.OPEN}, value == "1"


class CompletenessFilter(admin.SimpleListFilter):
    title = "completeness"
    parameter_name = "complete"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("1", "Complete"), ("0", "Incomplete"), ("unchecked", "Not checked")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "unchecked":
            return queryset.filter(completeness__isnull=True)
        if value == "0":
            return queryset.filter(completeness__in=AlbumCompleteness.objects.incomplete())
        if value == "1":
            return queryset.filter(completeness__is_complete=True)
        return queryset


# --- shared actions -----------------------------------------------------------------------------


def report_action_result(
    admin_: admin.ModelAdmin, request: HttpRequest, result: services.ActionResult
) -> None:
    admin_.message_user(request, result.summary().capitalize() + ".", messages.SUCCESS)
    for skip in result.skipped[:10]:
        admin_.message_user(request, f"{skip.item}: {skip.reason}", messages.WARNING)


def _rescan(admin_: admin.ModelAdmin, request: HttpRequest, file_ids: list[int]) -> None:
    counts = services.rescan_files(file_ids)
    admin_.message_user(
        request,
        f"Re-read {len(file_ids)} files: {counts.changed} changed, {counts.broken} broken, "
        f"{counts.removed} gone, {counts.problems} problems.",
    )


def _retag(admin_: admin.ModelAdmin, request: HttpRequest, file_ids: list[int]) -> None:
    result = services.retag_files(file_ids)
    admin_.message_user(request, f"Wrote tags into {len(result.written)} files.")
    for failure in result.failed[:10]:
        admin_.message_user(request, f"{failure.path}: {failure.error}", messages.ERROR)


def _resolve(admin_: admin.ModelAdmin, request: HttpRequest, group_ids: set[int]) -> None:
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


# --- catalogue ----------------------------------------------------------------------------------


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


@admin.register(Artist)
class ArtistAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_name", "monitored", "musicbrainz_id", "spotify_id", "created_at"]
    list_filter = ["monitored"]
    search_fields = ["name", "sort_name", "musicbrainz_id", "spotify_id"]
    readonly_fields = ["monitored", "created_at", "updated_at"]
    show_full_result_count = False
    actions = ["rescan", monitor, unmonitor]

    @admin.action(description="Rescan the files of these artists")
    def rescan(self, request: HttpRequest, queryset: QuerySet) -> None:
        files = TrackFile.objects.present().filter(track__artist__in=queryset)
        _rescan(self, request, list(files.values_list("pk", flat=True)))


class TrackInline(admin.TabularInline):
    model = Track
    fields = ["disc_number", "track_number", "title", "status", "duration_ms"]
    extra = 0
    show_change_link = True


class CompletenessInline(admin.StackedInline):
    model = AlbumCompleteness
    fields = [
        "source",
        "release_id",
        "owned_count",
        "expected_count",
        "missing",
        "checked_at",
        "error",
    ]
    readonly_fields = fields
    can_delete = False
    extra = 0


@admin.register(Album)
class AlbumAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "artist",
        "release_type",
        "year",
        "track_count",
        "monitored",
        "musicbrainz_release_id",
    ]
    list_filter = ["release_type", "monitored", CompletenessFilter]
    search_fields = [
        "title",
        "artist__name",
        "musicbrainz_release_id",
        "musicbrainz_release_group_id",
        "spotify_id",
    ]
    list_select_related = ["artist"]
    autocomplete_fields = ["artist"]
    readonly_fields = ["monitored", "created_at", "updated_at"]
    show_full_result_count = False
    inlines = [CompletenessInline, TrackInline]
    # More actions (check completeness, want missing) are added by soulspot/admin.py.
    actions = ["rescan", monitor, unmonitor]

    @admin.action(description="Rescan the files of these albums")
    def rescan(self, request: HttpRequest, queryset: QuerySet) -> None:
        files = TrackFile.objects.present().filter(track__album__in=queryset)
        _rescan(self, request, list(files.values_list("pk", flat=True)))


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


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "artist",
        "album",
        "disc_number",
        "track_number",
        "status",
        "monitored",
        "isrc",
    ]
    list_filter = [
        "status",
        "monitored",
        "want_source",
        FormatFilter,
        QualityFilter,
        BrokenFilter,
        MissingFilter,
        DuplicateFilter,
    ]
    search_fields = [
        "title",
        "artist__name",
        "album__title",
        "isrc",
        "musicbrainz_recording_id",
        "spotify_id",
    ]
    list_select_related = ["artist", "album", "album__artist"]
    autocomplete_fields = ["artist", "album"]
    readonly_fields = [
        "status",
        "monitored",
        "want_source",
        "wanted_at",
        "last_searched_at",
        "created_at",
        "updated_at",
    ]
    show_full_result_count = False
    inlines = [TrackFileInline]
    # + "want again": soulspot/admin.py
    actions = ["rescan", "retag", "resolve_duplicates", monitor, unmonitor]

    def _file_ids(self, queryset: QuerySet) -> list[int]:
        files = TrackFile.objects.present().filter(track__in=queryset)
        return list(files.values_list("pk", flat=True))

    @admin.action(description="Rescan their files")
    def rescan(self, request: HttpRequest, queryset: QuerySet) -> None:
        _rescan(self, request, self._file_ids(queryset))

    @admin.action(description="Write tags from the catalogue into their files")
    def retag(self, request: HttpRequest, queryset: QuerySet) -> None:
        _retag(self, request, self._file_ids(queryset))

    @admin.action(description="Resolve their duplicates (keep the proposed file)")
    def resolve_duplicates(self, request: HttpRequest, queryset: QuerySet) -> None:
        files = TrackFile.objects.in_open_duplicate_group().filter(track__in=queryset)
        _resolve(self, request, set(files.values_list("duplicate_group", flat=True)))


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
        _rescan(self, request, list(queryset.values_list("pk", flat=True)))

    @admin.action(description="Write tags from the catalogue")
    def retag(self, request: HttpRequest, queryset: QuerySet) -> None:
        _retag(self, request, list(queryset.values_list("pk", flat=True)))

    @admin.action(description="Resolve their duplicate groups (keep the proposed file)")
    def resolve_duplicates(self, request: HttpRequest, queryset: QuerySet) -> None:
        groups = queryset.in_open_duplicate_group().values_list("duplicate_group", flat=True)
        _resolve(self, request, set(groups))

    @admin.action(description="Move to the recycle bin")
    def recycle(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        report_action_result(
            self, request, services.recycle_files(ids, reason="recycled from the admin")
        )


# --- health -------------------------------------------------------------------------------------


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
        _resolve(self, request, set(queryset.values_list("pk", flat=True)))

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


# --- playlists ----------------------------------------------------------------------------------


class PlaylistEntryInline(admin.TabularInline):
    model = PlaylistEntry
    raw_id_fields = ["track"]
    extra = 0


@admin.register(Playlist)
class PlaylistAdmin(admin.ModelAdmin):
    list_display = ["name", "source", "spotify_id", "updated_at"]
    list_filter = ["source"]
    search_fields = ["name", "spotify_id"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [PlaylistEntryInline]


@admin.register(QualityProfile)
class QualityProfileAdmin(admin.ModelAdmin):
    """The ladder is a JSON list of quality keys, best first (see library/quality.py)."""

    list_display = ["name", "cutoff", "is_default"]
    list_filter = ["is_default"]
    search_fields = ["name"]

    def save_model(self, request, obj: QualityProfile, form, change: bool) -> None:
        # Through the service, so "one default profile" holds here as in the API.
        try:
            services.save_quality_profile(
                obj,
                name=obj.name,
                ladder=obj.ladder,
                cutoff=obj.cutoff,
                is_default=obj.is_default,
            )
        except services.ProfileError as exc:
            self.message_user(request, str(exc), level=messages.ERROR)
