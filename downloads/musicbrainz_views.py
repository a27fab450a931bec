"""The MusicBrainz search page: find an artist, an album (release group) or one edition
(release) and want it. Searching is metadata's; wanting an album is ours."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from downloads import services
from metadata.musicbrainz_search import SEARCH_TYPES, SearchResult, search_musicbrainz
from metadata.providers.base import ProviderError
from soulspot.lib.errors import SoulSpotError
from soulspot.lib.params import text_param
from soulspot.lib.redirects import redirect_back


def musicbrainz_search(request: HttpRequest) -> HttpResponse:
    """The search form and, once asked, the hits as a table (an error says why there are none)."""
    kind = request.GET.get("type", "")
    kind = kind if kind in SEARCH_TYPES else "release-group"
    artist_id = _uuid(request.GET.get("artist", ""))
    context: dict[str, object] = {"type": kind, "q": "", "types": SEARCH_TYPES}
    try:
        context["q"] = q = text_param(request.GET, "q")
        if q or artist_id:
            context["result"] = _search(kind, q, artist_id)
    except (SoulSpotError, ProviderError) as exc:
        context["error"] = str(exc)
    return render(request, "downloads/musicbrainz.html", context)


def _search(kind: str, q: str, artist_id: str | None) -> SearchResult:
    if artist_id:  # an artist's link: their release groups
        return search_musicbrainz("release-group", q, artist_id=artist_id)
    return search_musicbrainz(kind, q)


@require_POST
def musicbrainz_want(request: HttpRequest) -> HttpResponse:
    """Want a release group (SoulSpot picks the edition and says why) or one release."""
    group_id = _uuid(request.POST.get("release_group_id", ""))
    release_id = _uuid(request.POST.get("release_id", ""))
    try:
        if group_id:
            job = services.queue_album_from_release_group(group_id)
        elif release_id:
            job = services.queue_album_from_release(release_id)
        else:
            raise services.DownloadError("choose a release or a release group to want")
    except (SoulSpotError, ProviderError) as exc:
        messages.error(request, str(exc))
        return redirect_back(request, reverse("downloads:musicbrainz"))
    why = f" {job.status_reason[:1].upper()}{job.status_reason[1:]}." if job.status_reason else ""
    messages.success(request, f"Queued {job.want_label}.{why}")
    return redirect("downloads:detail", job_id=job.pk)


def _uuid(text: str) -> str | None:
    """A MusicBrainz id in its canonical form, or None for anything else."""
    try:
        return str(uuid.UUID(text.strip())) if len(text) <= 64 else None
    except ValueError:
        return None
