"""The automation app in the admin: Spotify sources and what each sync found (read-only
records; following a playlist goes through the same service as the Spotify page)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from automation import models
from automation.models import (
    AutomationEvent,
    NotificationDelivery,
    NotificationState,
    NotificationTarget,
    RecordingLookup,
    ReleaseGroup,
    SpotifyFollowedArtist,
    SpotifyPlaylist,
    SpotifySavedAlbum,
    SpotifySources,
    WatchedArtist,
)
from automation.spotify import sync
from automation.watching import checks
from soulspot.lib.queue import enqueue


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by syncs: shown, never edited by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(SpotifySources)
class SpotifySourcesAdmin(admin.ModelAdmin):
    list_display = ["__str__", "liked_songs", "saved_albums", "followed_artists", "last_sync_at"]
    readonly_fields = [
        "last_sync_at",
        "last_result",
        "error",
        "next_sync_at",
        "next_call_at",
        "paused_until",
        "paused_reason",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(SpotifyPlaylist)
class SpotifyPlaylistAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "owner_name",
        "owned",
        "readable",
        "followed",
        "tracks_total",
        "synced_at",
    ]
    list_filter = ["followed", "owned", "readable", "collaborative"]
    search_fields = ["name", "owner_name", "spotify_id"]
    list_select_related = ["playlist"]
    actions = ["follow", "unfollow"]

    @admin.action(description="Follow: sync and want their tracks")
    def follow(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set(request, queryset, True)

    @admin.action(description="Unfollow: stop wanting their tracks")
    def unfollow(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set(request, queryset, False)

    def _set(self, request: HttpRequest, queryset: QuerySet, followed: bool) -> None:
        for source in queryset:
            sync.follow_playlist(source, followed)
        messages.success(request, f"{queryset.count()} playlists updated.")


@admin.register(SpotifySavedAlbum)
class SpotifySavedAlbumAdmin(ReadOnlyAdmin):
    list_display = ["name", "artist_name", "album", "wanted_at", "outcome"]
    search_fields = ["name", "artist_name", "spotify_id"]
    list_select_related = ["album", "album__artist"]


@admin.register(SpotifyFollowedArtist)
class SpotifyFollowedArtistAdmin(ReadOnlyAdmin):
    list_display = ["name", "artist", "seen_at"]
    search_fields = ["name", "spotify_id"]
    list_select_related = ["artist"]


@admin.register(RecordingLookup)
class RecordingLookupAdmin(ReadOnlyAdmin):
    list_display = ["isrc", "recording_id", "outcome", "looked_up_at"]
    search_fields = ["isrc", "recording_id"]
    list_filter = ["outcome"]


# --- watched artists ---------------------------------------------------------------------


@admin.register(WatchedArtist)
class WatchedArtistAdmin(admin.ModelAdmin):
    list_display = ["artist", "want", "source", "last_checked_at", "next_check_at", "error"]
    list_filter = ["want", "source"]
    search_fields = ["artist__name", "musicbrainz_id"]
    list_select_related = ["artist"]
    raw_id_fields = ["artist"]
    readonly_fields = [
        "watched_since",
        "last_checked_at",
        "next_check_at",
        "last_result",
        "error",
        "claimed_until",
    ]
    actions = ["check_now"]

    @admin.action(description="Check now")
    def check_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        for watch in queryset:
            checks.request_check(watch.pk)
        enqueue("automation.tasks.check_watched_artists")
        self.message_user(request, f"{queryset.count()} check(s) queued", messages.SUCCESS)


@admin.register(ReleaseGroup)
class ReleaseGroupAdmin(ReadOnlyAdmin):
    list_display = ["title", "watch", "primary_type", "first_release_date", "state", "reason"]
    list_filter = ["state", "primary_type"]
    search_fields = ["title", "musicbrainz_id", "watch__artist__name"]
    list_select_related = ["watch__artist"]


@admin.register(AutomationEvent)
class AutomationEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "message"]
    list_filter = ["kind"]
    search_fields = ["message"]
    readonly_fields = ["at"]


@admin.register(NotificationTarget)
class NotificationTargetAdmin(admin.ModelAdmin):
    """Targets are added and their events chosen on the notifications page (where the URL is
    checked and encrypted and the events validated); here they can be renamed and switched."""

    list_display = ["__str__", "masked", "enabled", "last_sent_at", "last_error"]
    list_filter = ["enabled", "from_environment"]
    search_fields = ["name", "masked"]
    list_select_related: list[str] = []
    fields = [
        "name",
        "masked",
        "events",
        "enabled",
        "from_environment",
        "last_attempt_at",
        "last_sent_at",
        "last_error",
        "last_result",
    ]
    readonly_fields = [
        "masked",
        "events",
        "from_environment",
        "last_attempt_at",
        "last_sent_at",
        "last_error",
        "last_result",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(NotificationDelivery)
class NotificationDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "event", "target", "state", "tries", "error"]
    list_filter = ["state", "event"]
    search_fields = ["title", "body"]
    list_select_related = ["target"]


@admin.register(NotificationState)
class NotificationStateAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "history_cursor", "event_cursor", "problems_checked_at"]


# --- calendar feed tokens (appended by the calendar part) --------------------------------------


@admin.register(models.CalendarToken)
class CalendarTokenAdmin(admin.ModelAdmin):
    """Who has a feed URL and since when; the token itself is never shown (rotate it from the
    calendar page)."""

    list_display = ["user", "created_at"]
    list_select_related = ["user"]
    list_filter = ["created_at"]
    search_fields = ["user__username"]
    fields = ["user", "created_at"]
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
