"""The automation app in the admin: Spotify sources and what each sync found (read-only
records; following a playlist goes through the same service as the Spotify page)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from automation import models
from automation.models import (
    RecordingLookup,
    SpotifyFollowedArtist,
    SpotifyPlaylist,
    SpotifySavedAlbum,
    SpotifySources,
)
from automation.spotify import sync


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
