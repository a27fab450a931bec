from django.contrib import admin
from django.urls import include, path

from soulspot import views
from soulspot.api import api

admin.site.site_header = "SoulSpot administration"
admin.site.site_title = "SoulSpot"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("system-status/", views.system_status, name="system-status"),
    path("system/backups/", views.backups_card, name="system-backups"),
    path(
        "system/backups/<str:name>/download",
        views.download_backup,
        name="system-backup-download",
    ),
    path("", include("accounts.urls")),
    path("downloads/", include("downloads.urls")),
    path("library/", include("library.urls")),
    path("lists/", include("automation.lists.urls")),
    path("spotify/", include("automation.spotify.urls")),
    path("notifications/", include("automation.notifications.urls")),
    path("admin/", admin.site.urls),
    path("imports/", include("metadata.urls")),
    path("api/", api.urls),
]
