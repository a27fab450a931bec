from __future__ import annotations

from django.contrib import admin

from library.models import Album, Artist, Playlist, PlaylistEntry, Track, TrackFile


@admin.register(Artist)
class ArtistAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_name", "musicbrainz_id", "spotify_id", "created_at"]
    search_fields = ["name", "sort_name", "musicbrainz_id", "spotify_id"]
    readonly_fields = ["created_at", "updated_at"]


class TrackInline(admin.TabularInline):
    model = Track
    fields = ["disc_number", "track_number", "title", "status", "duration_ms"]
    extra = 0
    show_change_link = True


@admin.register(Album)
class AlbumAdmin(admin.ModelAdmin):
    list_display = ["title", "artist", "release_type", "year", "track_count", "musicbrainz_release_id"]
    list_filter = ["release_type"]
    search_fields = ["title", "artist__name", "musicbrainz_release_id", "musicbrainz_release_group_id", "spotify_id"]
    list_select_related = ["artist"]
    autocomplete_fields = ["artist"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [TrackInline]


class TrackFileInline(admin.TabularInline):
    model = TrackFile
    fields = ["path", "format", "bitrate", "size", "is_broken", "is_missing"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["title", "artist", "album", "disc_number", "track_number", "status", "isrc"]
    list_filter = ["status"]
    search_fields = ["title", "artist__name", "album__title", "isrc", "musicbrainz_recording_id", "spotify_id"]
    list_select_related = ["artist", "album", "album__artist"]
    autocomplete_fields = ["artist", "album"]
    readonly_fields = ["status", "wanted_at", "created_at", "updated_at"]
    inlines = [TrackFileInline]


@admin.register(TrackFile)
class TrackFileAdmin(admin.ModelAdmin):
    list_display = ["path", "track", "format", "bitrate", "sample_rate", "bit_depth", "size", "is_broken", "is_missing"]
    list_filter = ["format", "is_broken", "is_missing"]
    search_fields = ["path", "sha256", "track__title", "track__artist__name"]
    list_select_related = ["track", "track__artist"]
    raw_id_fields = ["track"]
    readonly_fields = ["size", "mtime", "sha256", "is_broken", "broken_reason", "is_missing", "last_scanned_at",
                       "created_at", "updated_at"]


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
