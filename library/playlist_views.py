"""Playlist pages: the list with counts, one playlist's entries in order with their state, and
the rename and delete forms (the playlist's .m3u8 follows, through `library.playlists`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from library import playlists
from library.models import EntryState, Playlist, PlaylistEntry
from soulspot.lib.params import BadParameter, int_param, text_param

PAGE_SIZE = 50
ENTRIES_PAGE_SIZE = 100


def _page(request: HttpRequest, items: object, size: int) -> object:
    return Paginator(items, size).get_page(int_param(request.GET, "page", 1))


@require_GET
def playlist_list(request: HttpRequest) -> HttpResponse:
    try:
        q = text_param(request.GET, "q")
    except BadParameter as exc:
        return HttpResponseBadRequest(str(exc))
    rows = Playlist.objects.with_counts().order_by("name", "pk")
    if q:
        rows = rows.filter(name__icontains=q)
    context = {"page": _page(request, rows, PAGE_SIZE), "q": q, "query": request.GET.copy()}
    context["query"].pop("page", None)
    return render(request, "library/playlists.html", context)


@require_GET
def playlist_detail(request: HttpRequest, playlist_id: int) -> HttpResponse:
    playlist = get_object_or_404(Playlist.objects.with_counts(), pk=playlist_id)
    entries = PlaylistEntry.objects.filter(playlist=playlist).with_state().order_by("position")
    context = {
        "playlist": playlist,
        "page": _page(request, entries, ENTRIES_PAGE_SIZE),
        "states": EntryState,
        "max_name": playlists.MAX_NAME,
    }
    return render(request, "library/playlists_detail.html", context)


@require_POST
def playlist_rename(request: HttpRequest, playlist_id: int) -> HttpResponse:
    playlist = get_object_or_404(Playlist, pk=playlist_id)
    try:
        playlists.rename_playlist(playlist, text_param(request.POST, "name", playlists.MAX_NAME))
    except (playlists.PlaylistError, BadParameter) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Renamed to {playlist.name}; its file follows.")
    return redirect("library:playlist", playlist.pk)


@require_POST
def playlist_delete(request: HttpRequest, playlist_id: int) -> HttpResponse:
    playlist = get_object_or_404(Playlist, pk=playlist_id)
    playlists.delete_playlist(playlist)
    messages.success(request, f"Deleted the playlist {playlist.name}; its tracks stay.")
    return redirect("library:playlists")
