"""The refresh-from-MusicBrainz page: what a refresh of one album, track or artist would
change (a preview, nothing kept), and a button that applies it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from library.models import Album, Artist, Track
from metadata import refresh
from metadata.providers.base import ProviderUnavailable
from soulspot.lib.errors import SoulSpotError

_KINDS = {
    "album": (Album, "album_ids"),
    "track": (Track, "track_ids"),
    "artist": (Artist, "artist_ids"),
}


def refresh_page(request: HttpRequest, kind: str, object_id: int) -> HttpResponse:
    """GET: the preview; POST: refresh now (or queue it when it needs many lookups)."""
    if kind not in _KINDS:
        raise Http404("no such kind")
    model, scope_field = _KINDS[kind]
    row = model.objects.filter(pk=object_id).first()
    if row is None:
        raise Http404(f"no such {kind}")
    scope = refresh.Scope(**{scope_field: (row.pk,)})
    back = _back_url(kind, row)
    try:
        outcome = refresh.request_refresh(scope, preview=request.method != "POST")
    except (ProviderUnavailable, SoulSpotError) as exc:
        return render(
            request,
            "metadata/refresh.html",
            {"row": row, "back": back, "problem": str(exc), "can_queue": _too_large(exc)},
            status=503 if isinstance(exc, ProviderUnavailable) else 400,
        )
    if request.method == "POST":
        messages.success(request, f"Refreshed from MusicBrainz: {outcome}")
        return redirect(back)
    return render(
        request,
        "metadata/refresh.html",
        {"row": row, "kind": kind, "back": back, "report": outcome},
    )


def _back_url(kind: str, row: Album | Track | Artist) -> str:
    names = {"album": "library:album", "track": "library:track", "artist": "artists:detail"}
    return reverse(names[kind], args=[row.pk])


def _too_large(exc: Exception) -> bool:
    """A preview refused for its size can still be applied (in the background)."""
    return isinstance(exc, refresh.RefreshTooLarge)
