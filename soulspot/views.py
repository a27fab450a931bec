"""The dashboard: library counts, active downloads, and the health of the worker and slskd."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from downloads.models import DownloadJob
from library.models import Album, Artist, Track, TrackFile
from soulspot import health


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
    return render(request, "dashboard.html", {"counts": counts, "active_jobs": active})


def system_status(request: HttpRequest) -> HttpResponse:
    """Fragment loaded (and refreshed) by HTMX so a slow slskd never delays the page itself."""
    checks = {
        "Worker": health.check_worker(),
        "slskd": health.check_slskd(),
        "Disk": health.check_disk(),
    }
    return render(request, "dashboard.html#system-status", {"checks": checks})
