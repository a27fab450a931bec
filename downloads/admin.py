from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest

from downloads import services
from downloads.models import (
    Candidate,
    DownloadJob,
    EngineSettings,
    FilterRule,
    ManualSearch,
    Peer,
    RejectedFile,
    SearchBudgetWindow,
    SearchSlot,
)
from downloads.services.rules import save_filter_rule
from library.admin import report_action_result
from library.services import ActionResult


class CandidateInline(admin.TabularInline):
    model = Candidate
    fields = ["rank", "username", "filename", "quality", "score", "state", "rejection_reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["rank"]


@admin.register(DownloadJob)
class DownloadJobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "want_label",
        "kind",
        "status",
        "priority",
        "attempts_made",
        "progress",
        "status_reason",
        "created_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = [
        "track__title",
        "track__artist__name",
        "album__title",
        "album__artist__name",
        "search_query",
    ]
    list_select_related = ["track", "track__artist", "album", "album__artist"]
    raw_id_fields = ["track", "album", "parent", "candidate", "import_item"]
    readonly_fields = [
        "status",
        "attempts",
        "next_attempt_at",
        "status_reason",
        "error",
        "search_id",
        "search_query",
        "transfer_id",
        "transfer_state",
        "bytes_transferred",
        "bytes_total",
        "speed_bps",
        "queue_position",
        "queue_position_at",
        "transfer_added_at",
        "progress",
        "local_path",
        "library_path",
        "created_at",
        "updated_at",
        "state_changed_at",
        "finished_at",
    ]
    inlines = [CandidateInline]
    actions = ["retry_jobs", "cancel_jobs"]

    @admin.action(description="Retry selected downloads")
    def retry_jobs(self, request: HttpRequest, queryset) -> None:
        self._report(
            request,
            services.run_batch("retry", ids=list(queryset.values_list("pk", flat=True)), items=[]),
        )

    @admin.action(description="Cancel selected downloads")
    def cancel_jobs(self, request: HttpRequest, queryset) -> None:
        self._report(
            request,
            services.run_batch("cancel", ids=list(queryset.values_list("pk", flat=True)), items=[]),
        )

    def _report(self, request: HttpRequest, results: list[services.BatchResult]) -> None:
        done = sum(r.ok for r in results)
        messages.info(request, f"{done} of {len(results)} download(s) changed.")
        for result in results:
            if not result.ok:
                messages.warning(request, f"#{result.job_id}: {result.error}")


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["job", "rank", "username", "filename", "quality", "score", "state"]
    list_filter = ["state", "quality"]
    search_fields = ["username", "filename"]
    list_select_related = ["job"]
    raw_id_fields = ["job"]
    readonly_fields = ["score", "rank", "breakdown", "rejection_reason", "created_at"]


@admin.register(RejectedFile)
class RejectedFileAdmin(admin.ModelAdmin):
    list_display = ["track", "username", "filename", "reason", "created_at"]
    search_fields = ["username", "filename", "track__title"]
    list_select_related = ["track", "track__artist"]
    raw_id_fields = ["track"]
    readonly_fields = ["created_at"]


@admin.register(Peer)
class PeerAdmin(admin.ModelAdmin):
    list_display = [
        "username",
        "successes",
        "failures",
        "is_blocked",
        "last_success_at",
        "last_failure_at",
    ]
    list_filter = ["is_blocked"]
    search_fields = ["username", "note"]
    readonly_fields = ["successes", "failures", "last_success_at", "last_failure_at"]


@admin.register(EngineSettings)
class EngineSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "paused", "max_concurrent"]

    def has_add_permission(self, request) -> bool:
        return not EngineSettings.objects.exists()

    def save_model(self, request: HttpRequest, obj: EngineSettings, form, change: bool) -> None:
        # Through the service: pausing, resuming and a new concurrency wake the engine.
        services.update_engine(paused=obj.paused, max_concurrent=obj.max_concurrent)


@admin.register(ManualSearch)
class ManualSearchAdmin(admin.ModelAdmin):
    list_display = ["artist", "title", "status", "query", "created_at"]
    list_filter = ["status"]
    search_fields = ["artist", "title", "query"]
    readonly_fields = ["status", "status_reason", "query", "error", "results", "created_at"]


@admin.register(SearchSlot)
class SearchSlotAdmin(admin.ModelAdmin):
    """Read-only: who holds the one search in flight, and until when. Deleting the row frees
    the slot (a new one is created on the next claim)."""

    list_display = ["__str__", "search_id", "taken_at", "until"]
    readonly_fields = ["search_id", "holder", "taken_at", "until"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(SearchBudgetWindow)
class SearchBudgetWindowAdmin(admin.ModelAdmin):
    """Read-only: the start times of the searches in the current budget window. Deleting the
    row forgets them (the next search starts a new window)."""

    list_display = ["__str__"]
    readonly_fields = ["stamps"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


# --- actions for the library's admin pages (added to them by soulspot/admin.py) ------------


@admin.action(description="Want the missing tracks")
def want_missing(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset) -> None:
    checked = queryset.filter(completeness__isnull=False).values_list("pk", flat=True)
    result = ActionResult()
    for album_id in checked:
        partial = services.want_missing_tracks(album_id)
        result.queued += partial.queued
        result.skipped += partial.skipped
    report_action_result(modeladmin, request, result)


@admin.action(description="Want again (queue a download)")
def want_again(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset) -> None:
    track_ids = list(queryset.values_list("pk", flat=True))
    report_action_result(modeladmin, request, services.want_tracks_again(track_ids))


@admin.action(description="Re-download (broken files)")
def redownload(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset) -> None:
    file_ids = list(queryset.values_list("pk", flat=True))
    report_action_result(modeladmin, request, services.redownload_broken_files(file_ids))


# --- filter rules -----------------------------------------------------------------------------


@admin.register(FilterRule)
class FilterRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "field", "pattern", "quality_profile", "enabled"]
    list_filter = ["kind", "field", "enabled", "quality_profile"]
    search_fields = ["name", "pattern"]
    list_select_related = ["quality_profile"]
    readonly_fields = ["created_at", "updated_at"]

    def save_model(self, request: HttpRequest, obj: FilterRule, form, change: bool) -> None:
        # Through the service: it drops what the rule's kind does not use and checks it whole.
        save_filter_rule(obj)
