"""Artists, albums, tracks and playlists."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from library import playlists
from library.admin import actions
from library.admin.files import TrackFileInline
from library.admin.filters import (
    BrokenFilter,
    CompletenessFilter,
    DuplicateFilter,
    FormatFilter,
    MissingFilter,
    QualityFilter,
)
from library.admin.manual_edits import ManualEditsAdmin
from library.models import (
    Album,
    AlbumCompleteness,
    Artist,
    Playlist,
    PlaylistEntry,
    Track,
    TrackFile,
    TrackWant,
)


@admin.register(Artist)
class ArtistAdmin(ManualEditsAdmin):
    list_display = ["name", "sort_name", "monitored", "musicbrainz_id", "spotify_id", "created_at"]
    list_filter = ["monitored"]
    search_fields = ["name", "sort_name", "musicbrainz_id", "spotify_id"]
    readonly_fields = ["monitored", "created_at", "updated_at"]
    show_full_result_count = False
    actions = ["rescan", actions.monitor, actions.unmonitor]

    @admin.action(description="Rescan the files of these artists")
    def rescan(self, request: HttpRequest, queryset: QuerySet) -> None:
        files = TrackFile.objects.present().filter(track__artist__in=queryset)
        actions.rescan(self, request, list(files.values_list("pk", flat=True)))


class TrackInline(admin.TabularInline):
    model = Track
    fields = ["disc_number", "track_number", "title", "status", "duration_ms"]
    extra = 0
    show_change_link = True


class WantReasonInline(admin.TabularInline):
    """Why the track is wanted: each source that asked for it (read-only: sources and the
    monitor switch manage them)."""

    model = TrackWant
    fields = ["source", "key", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "wanted because of"

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


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
class AlbumAdmin(ManualEditsAdmin):
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
    actions = ["rescan", actions.monitor, actions.unmonitor]

    @admin.action(description="Rescan the files of these albums")
    def rescan(self, request: HttpRequest, queryset: QuerySet) -> None:
        files = TrackFile.objects.present().filter(track__album__in=queryset)
        actions.rescan(self, request, list(files.values_list("pk", flat=True)))


@admin.register(Track)
class TrackAdmin(ManualEditsAdmin):
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
    inlines = [TrackFileInline, WantReasonInline]
    # + "want again": soulspot/admin.py
    actions = ["rescan", "retag", "resolve_duplicates", actions.monitor, actions.unmonitor]

    def _file_ids(self, queryset: QuerySet) -> list[int]:
        files = TrackFile.objects.present().filter(track__in=queryset)
        return list(files.values_list("pk", flat=True))

    @admin.action(description="Rescan their files")
    def rescan(self, request: HttpRequest, queryset: QuerySet) -> None:
        actions.rescan(self, request, self._file_ids(queryset))

    @admin.action(description="Write tags from the catalogue into their files")
    def retag(self, request: HttpRequest, queryset: QuerySet) -> None:
        actions.retag(self, request, self._file_ids(queryset))

    @admin.action(description="Resolve their duplicates (keep the proposed file)")
    def resolve_duplicates(self, request: HttpRequest, queryset: QuerySet) -> None:
        files = TrackFile.objects.in_open_duplicate_group().filter(track__in=queryset)
        actions.resolve(self, request, set(files.values_list("duplicate_group", flat=True)))


class PlaylistEntryForm(forms.ModelForm):
    """Positions are sort keys here: the entries are saved renumbered 1..n in that order, so
    swapping two positions is allowed (their unique constraint is checked after renumbering)."""

    class Meta:
        model = PlaylistEntry
        fields = ["track", "position"]

    def _get_validation_exclusions(self) -> set[str]:
        return {*super()._get_validation_exclusions(), "position"}


class PlaylistEntryInline(admin.TabularInline):
    model = PlaylistEntry
    form = PlaylistEntryForm
    raw_id_fields = ["track"]
    extra = 0


@admin.register(Playlist)
class PlaylistAdmin(admin.ModelAdmin):
    """Saving writes the playlist's .m3u8, renaming moves it, deleting removes it: every write
    goes through `library.playlists`."""

    list_display = ["name", "source", "spotify_id", "file_name", "updated_at"]
    list_filter = ["source"]
    search_fields = ["name", "spotify_id"]
    readonly_fields = ["file_name", "created_at", "updated_at"]
    inlines = [PlaylistEntryInline]

    def save_model(self, request: HttpRequest, obj: Playlist, form: object, change: bool) -> None:
        if change and "name" in form.changed_data:
            new_name, obj.name = obj.name, form.initial["name"]
            super().save_model(request, obj, form, change)
            playlists.rename_playlist(obj, new_name)
        else:
            super().save_model(request, obj, form, change)

    def save_formset(
        self, request: HttpRequest, form: object, formset: object, change: bool
    ) -> None:
        if formset.model is not PlaylistEntry:
            super().save_formset(request, form, formset, change)
            return
        formset.save(commit=False)  # only what changed, for the history message; no writes
        kept = [
            (f.cleaned_data["position"], index, f.cleaned_data["track"].pk)
            for index, f in enumerate(formset.forms)
            if f.cleaned_data.get("track") and not formset._should_delete_form(f)
        ]
        playlists.set_playlist_entries(form.instance, [track for *_, track in sorted(kept)])

    def delete_model(self, request: HttpRequest, obj: Playlist) -> None:
        playlists.delete_playlist(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for playlist in queryset:
            playlists.delete_playlist(playlist)
