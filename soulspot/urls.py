from django.contrib import admin
from django.urls import include, path

from automation.pages.urls import artist_patterns, calendar_patterns
from soulspot import schedule_views, settings_views, system_views, views
from soulspot.api import api
from soulspot.metrics import views as metrics_views

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
    path("system/schedules/", schedule_views.schedules, name="system-schedules"),
    path(
        "system/schedules/<id:schedule_id>/run/",
        schedule_views.schedule_run,
        name="system-schedule-run",
    ),
    path(
        "system/schedules/<id:schedule_id>/interval/",
        schedule_views.schedule_interval,
        name="system-schedule-interval",
    ),
    path("system/", system_views.system, name="system"),
    path("system/versions/", system_views.system_versions, name="system-versions"),
    path("system/tasks/", system_views.system_tasks_fragment, name="system-tasks"),
    path(
        "system/tasks/<str:task_id>/retry/",
        system_views.system_task_retry,
        name="system-task-retry",
    ),
    path(
        "system/tasks/<str:task_id>/delete/",
        system_views.system_task_delete,
        name="system-task-delete",
    ),
    path("system/logs/", system_views.system_logs, name="system-logs"),
    path("settings/", settings_views.settings_page, name="settings"),
    path("settings/reset/", settings_views.settings_reset, name="settings-reset"),
    path("settings/slskd/test/", settings_views.settings_slskd_test, name="settings-slskd-test"),
    path("", include("accounts.urls")),
    path("downloads/", include("downloads.urls")),
    path("library/", include("library.urls")),
    path("lists/", include("automation.lists.urls")),
    path("spotify/", include("automation.spotify.urls")),
    path("notifications/", include("automation.notifications.urls")),
    path("calendar/", include(calendar_patterns)),
    path("artists/", include(artist_patterns)),
    path("admin/", admin.site.urls),
    path("imports/", include("metadata.urls")),
    path("api/", api.urls),
    path("metrics", metrics_views.metrics, name="metrics"),
]
