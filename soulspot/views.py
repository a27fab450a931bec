"""The dashboard: library counts, active downloads, and the health of the worker and slskd."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from downloads.models import DownloadJob
from library.models import Album, Artist, Track, TrackFile
from library.services import dashboard_tiles
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
    context = {"counts": counts, "library_tiles": _library_tiles(), "active_jobs": active}
    return render(request, "dashboard.html", context)


def _library_tiles() -> list[tuple[str, object, str]]:
    """Library health tiles: (label, value, link)."""
    figures = dashboard_tiles()
    return [
        ("Library size", filesizeformat(figures["library_size"]), reverse("library:tracks")),
        ("Duplicate groups", figures["duplicate_groups"], reverse("library:duplicates")),
        ("Incomplete albums", figures["incomplete_albums"], reverse("library:incomplete")),
    ]


def system_status(request: HttpRequest) -> HttpResponse:
    """Fragment loaded (and refreshed) by HTMX so a slow slskd never delays the page itself."""
    checks = {
        "Worker": health.check_worker(),
        "slskd": health.check_slskd(),
        "Disk": health.check_disk(),
    }
    return render(request, "dashboard.html#system-status", {"checks": checks})
