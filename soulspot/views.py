"""The dashboard: library counts, active downloads, and the health of the worker and slskd."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from downloads.models import DownloadJob
from library.models import Album, Artist, Track, TrackFile
from library.services import dashboard_tiles
from metadata.providers.cache import cache_figures
from soulspot import backups, health
from soulspot.lib.queue import enqueue


def dashboard(request: HttpRequest) -> HttpResponse:
    counts = {
        "Artists": Artist.objects.count(),
        "Albums": Album.objects.count(),
        "Tracks owned": Track.objects.owned().count(),
        "Tracks wanted": Track.objects.wanted().count(),
        "Files": TrackFile.objects.present().count(),
        "Broken files": TrackFile.objects.broken().count(),
    }
    active = DownloadJob.objects.active().with_relations().order_by("-priority", "created_at")[:10]
    context = {"counts": counts, "library_tiles": _library_tiles(), "active_jobs": active}
    return render(request, "dashboard.html", context)


def _library_tiles() -> list[tuple[str, object, str]]:
    """Library health tiles: (label, value, link)."""
    figures = dashboard_tiles()
    return [
        ("Library size", filesizeformat(figures["library_size"]), reverse("library:tracks")),
        ("Duplicate groups", figures["duplicate_groups"], reverse("library:duplicates")),
        ("Incomplete albums", figures["incomplete_albums"], reverse("library:incomplete")),
        ("Metadata conflicts", figures["open_conflicts"], reverse("library:conflicts")),
    ]


def system_status(request: HttpRequest) -> HttpResponse:
    """Fragment loaded (and refreshed) by HTMX so a slow slskd never delays the page itself."""
    checks = {
        "Worker": health.check_worker(),
        "slskd": health.check_slskd(),
        "Disk": health.check_disk(),
        "Database writes": health.check_database_write(),
    }
    context = {"checks": checks, "provider_cache": cache_figures()}
    return render(request, "dashboard.html#system-status", context)


@require_http_methods(["GET", "POST"])
def backups_card(request: HttpRequest) -> HttpResponse:
    """The dashboard's Backups card; "Back up now" (POST) queues one for the worker, which
    copies and compresses the database without holding up this web worker."""
    queued = request.method == "POST"
    if queued:
        enqueue("soulspot.tasks.backup_now")
        if not request.htmx:  # a plain form post (no JavaScript) goes back to the dashboard
            messages.success(request, "Backup queued; it appears in the list when written.")
            return redirect("dashboard")
    context = {"backups": backups.list_backups()[:20], "backup_queued": queued}
    return render(request, "dashboard.html#backups", context)


def download_backup(request: HttpRequest, name: str) -> FileResponse:
    try:
        path = backups.backup_path(name)
    except backups.BackupNotFound:
        raise Http404("no backup of that name") from None
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
