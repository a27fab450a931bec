from django.contrib import admin

from soulspot.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["beat_at", "worker"]
    readonly_fields = ["beat_at", "worker"]
    list_filter = []
    search_fields = ["worker"]
