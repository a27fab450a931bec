"""Admin wiring: the worker heartbeat, and higher apps' actions on the library's admin pages.

The library's admin pages (albums, tracks, files) offer actions that belong to higher apps:
check an album against MusicBrainz (metadata), queue downloads (downloads). The library must not
import those apps, so the project wiring, which may import every app, adds them here.
"""

from django.contrib import admin

from downloads import admin as downloads_admin
from library import admin as library_admin
from metadata import admin as metadata_admin
from soulspot.models import RuntimeSetting, ScheduleOverride, WorkerHeartbeat

library_admin.AlbumAdmin.actions = [
    *library_admin.AlbumAdmin.actions,
    metadata_admin.check_completeness,
    metadata_admin.refresh_from_musicbrainz,
    downloads_admin.want_missing,
]
library_admin.TrackAdmin.actions = [
    *library_admin.TrackAdmin.actions,
    metadata_admin.refresh_from_musicbrainz,
    downloads_admin.want_again,
]
library_admin.ArtistAdmin.actions = [
    *library_admin.ArtistAdmin.actions,
    metadata_admin.refresh_from_musicbrainz,
]
library_admin.TrackFileAdmin.actions = [
    *library_admin.TrackFileAdmin.actions,
    downloads_admin.redownload,
]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["beat_at", "worker"]
    readonly_fields = ["beat_at", "worker"]
    list_filter = []
    search_fields = ["worker"]


@admin.register(ScheduleOverride)
class ScheduleOverrideAdmin(admin.ModelAdmin):
    """Intervals the user set on the schedules page; deleting one returns that schedule to the
    code's interval at the next start."""

    list_display = ["name", "minutes", "updated_at"]
    readonly_fields = ["name", "updated_at"]
    list_filter = []
    search_fields = ["name"]


@admin.register(RuntimeSetting)
class RuntimeSettingAdmin(admin.ModelAdmin):
    """Settings saved on the settings page. Changed there (validated, secrets encrypted), not
    here; deleting one here is a reset: the environment's value applies again."""

    list_display = ["key", "updated_at"]
    readonly_fields = ["key", "updated_at"]
    fields = ["key", "updated_at"]
    search_fields = ["key"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
