"""The Spotify page (connect, account, playlists to follow, sources, sync state) and the
OAuth callback Spotify sends the browser back to."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from automation.models import SpotifyPlaylist, SpotifySources
from automation.spotify import status, sync
from automation.watching import followed
from metadata.providers import spotify as spotify_api
from soulspot.lib.params import int_param

APPS_PAGE = "https://www.spotify.com/account/apps/"


@require_GET
def spotify_page(request: HttpRequest) -> HttpResponse:
    context = {
        "status": status.connection_status(),
        "sources": SpotifySources.get(),
        "playlists": SpotifyPlaylist.objects.order_by("name", "pk"),
        "apps_page": APPS_PAGE,
        "redirect_uri": settings.SPOTIFY_REDIRECT_URI,
    }
    if request.htmx and request.GET.get("part") == "state":
        return render(request, "automation/spotify.html#state", context)
    return render(request, "automation/spotify.html", context)


@require_POST
def connect(request: HttpRequest) -> HttpResponse:
    try:
        return redirect(spotify_api.start_authorization())
    except spotify_api.SpotifyError as exc:
        messages.error(request, str(exc))
        return redirect("spotify:index")


@login_not_required
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """Spotify's redirect: `?code=&state=` or `?error=&state=`. The one-time state authenticates
    it, so it needs no login (the browser may come back without the session cookie)."""
    state = request.GET.get("state", "")[:200]
    try:
        if "error" in request.GET:
            spotify_api.complete_authorization_error(request.GET["error"][:200], state)
        user = spotify_api.complete_authorization(request.GET.get("code", "")[:2000], state)
    except spotify_api.SpotifyError as exc:
        return render(request, "automation/spotify_callback.html", {"error": str(exc)}, status=400)
    status.request_sync()
    messages.success(request, f"Connected to Spotify as {user.display_name or user.id}.")
    return redirect("spotify:index")


@require_POST
def disconnect(request: HttpRequest) -> HttpResponse:
    status.forget_account()
    messages.success(request, f"Disconnected. Remove SoulSpot's access on Spotify too: {APPS_PAGE}")
    return redirect("spotify:index")


@require_POST
def follow(request: HttpRequest, source_id: int) -> HttpResponse:
    source = get_object_or_404(SpotifyPlaylist, pk=source_id)
    source = sync.follow_playlist(source, request.POST.get("followed") == "1")
    if request.htmx:
        return render(request, "automation/spotify.html#playlist_row", {"playlist": source})
    return redirect("spotify:index")


@require_POST
def sources(request: HttpRequest) -> HttpResponse:
    post = request.POST
    status.update_sources(
        liked_songs=post.get("liked_songs") == "1",
        saved_albums=post.get("saved_albums") == "1",
        followed_artists=post.get("followed_artists") == "1",
        sync_interval_hours=int_param(post, "sync_interval_hours", 6, minimum=1, maximum=168),
    )
    followed.set_watch_followed_artists(post.get("watch_followed_artists") == "1")
    messages.success(request, "Saved. The next sync reads the sources you switched on.")
    return redirect("spotify:index")


@require_POST
def sync_now(request: HttpRequest) -> HttpResponse:
    try:
        status.request_sync()
    except spotify_api.SpotifyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Sync started.")
    return redirect("spotify:index")
