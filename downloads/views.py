"""HTMX pages for downloads: the queue, one job, the manual search, the wanted lists and the
blocklist. Views stay thin."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseStopPolling

from downloads import searches, services
from downloads.models import DownloadJob, EngineSettings, ManualSearch, Peer, RejectedFile
from downloads.schemas import MAX_SEARCH_IDS
from library.models import WANTED_SORTS, AlbumCompleteness, Track
from library.quality import QUALITIES
from soulspot.lib.errors import SoulSpotError
from soulspot.lib.params import id_list, int_param, text_param
from soulspot.lib.redirects import redirect_back

JOB_ACTIONS = {
    "pause": services.pause_job,
    "resume": services.resume_job,
    "cancel": services.cancel_job,
    "retry": services.retry_job,
    "reject": services.reject_candidate,
}


def download_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    jobs = DownloadJob.objects.with_relations().order_by("-created_at", "-pk")
    if status == "active":
        jobs = jobs.active()
    elif status in DownloadJob.Status.values:
        jobs = jobs.filter(status=status)
    page = Paginator(jobs, 50).get_page(int_param(request.GET, "page", 1))
    context = {
        "page": page,
        "status": status,
        "statuses": DownloadJob.Status.choices,
        "engine": EngineSettings.load(),
    }
    if request.htmx and request.htmx.target == "job-rows":
        response = render(request, "downloads/list.html#rows", context)
        still_moving = any(not job.is_terminal for job in page)
        return response if still_moving else HttpResponseStopPolling(response.content)
    return render(request, "downloads/list.html", context)


@require_POST
def create_download(request: HttpRequest) -> HttpResponse:
    """Want a track, or a whole album when an album is given without a title."""
    try:
        artist, title, album = (text_param(request.POST, k) for k in ("artist", "title", "album"))
        if album and not title:
            job = services.queue_album_download(artist=artist, album=album)
        elif title:
            job = services.queue_track_download(artist=artist, title=title, album=album)
        else:
            raise services.DownloadError(
                "give a title to want a track, or only an album to want the whole album"
            )
    except SoulSpotError as exc:
        messages.error(request, str(exc))
        return redirect("downloads:list")
    messages.success(request, f"Queued {job.want_label}.")
    return redirect("downloads:detail", job_id=job.pk)


def download_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = DownloadJob.objects.with_relations().filter(pk=job_id).first()
    polling = request.htmx and request.htmx.target == "job"
    if job is None:
        if polling:  # removed while the page was open
            return HttpResponseStopPolling(
                '<p class="muted" id="job">This download was removed.</p>'
            )
        raise Http404("no such download")
    candidates = job.candidates.order_by(F("rank").asc(nulls_last=True), "-score", "pk")
    children = job.children.with_relations() if job.kind == DownloadJob.Kind.ALBUM else []
    context = {"job": job, "candidates": candidates, "children": children}
    if polling:
        # The whole job (buttons and candidates too) while it is live; a terminal job stops
        # its polling (HTMX reads status 286 as "stop").
        response = render(request, "downloads/detail.html#job", context)
        return HttpResponseStopPolling(response.content) if job.is_terminal else response
    return render(request, "downloads/detail.html", context)


@require_POST
def remove_download(request: HttpRequest, job_id: int) -> HttpResponse:
    """Take a job off the queue (cancelled first if live); optionally stop wanting the track."""
    job = get_object_or_404(DownloadJob.objects.with_relations(), pk=job_id)
    unmonitor = request.POST.get("unmonitor") == "true"
    services.remove_job(job, unmonitor=unmonitor)
    also = " and stopped wanting it" if unmonitor else ""
    messages.success(request, f"Removed {job.want_label} from the queue{also}.")
    return redirect("downloads:list")


@require_POST
def job_action(request: HttpRequest, job_id: int, action: str) -> HttpResponse:
    job = get_object_or_404(DownloadJob.objects.with_relations(), pk=job_id)
    act = JOB_ACTIONS.get(action)
    if act is None:
        return HttpResponse(status=404)
    try:
        act(job)
        messages.success(request, f"{action.capitalize()}: {job.want_label}")
    except services.DownloadError as exc:
        messages.error(request, str(exc))
    if request.POST.get("next") == "list":
        return redirect("downloads:list")
    return redirect("downloads:detail", job_id=job.pk)


@require_POST
def engine_action(request: HttpRequest, action: str) -> HttpResponse:
    if action == "pause":
        services.pause_all()
    elif action == "resume":
        services.resume_all()
    return redirect("downloads:list")


def search(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            seconds = int_param(request.POST, "seconds", minimum=0, maximum=24 * 3600)
            found = searches.start_manual_search(
                artist=text_param(request.POST, "artist"),
                title=text_param(request.POST, "title"),
                album=text_param(request.POST, "album"),
                duration_ms=seconds * 1000 if seconds is not None else None,
            )
        except SoulSpotError as exc:
            messages.error(request, str(exc))
            return redirect("downloads:search")
        return redirect("downloads:search-detail", search_id=found.pk)
    recent = ManualSearch.objects.only("artist", "title", "status", "created_at")[:10]
    return render(request, "downloads/search.html", {"recent": recent})


def search_detail(request: HttpRequest, search_id: int) -> HttpResponse:
    found = get_object_or_404(ManualSearch, pk=search_id)
    if request.htmx and request.htmx.target == "search-results":
        response = render(request, "downloads/search_detail.html#results", {"search": found})
        return (
            response
            if found.status == ManualSearch.Status.RUNNING
            else HttpResponseStopPolling(response.content)
        )
    return render(request, "downloads/search_detail.html", {"search": found})


@require_POST
def search_pick(request: HttpRequest, search_id: int, index: int) -> HttpResponse:
    found = get_object_or_404(ManualSearch, pk=search_id)
    try:
        job = searches.pick_result(found, index)
    except services.DownloadError as exc:
        messages.error(request, str(exc))
        return redirect("downloads:search-detail", search_id=found.pk)
    messages.success(request, f"Downloading your pick for {job.want_label}.")
    return redirect("downloads:detail", job_id=job.pk)


# --- the blocklist: rejected files and blocked peers --------------------------------------


def blocklist(request: HttpRequest) -> HttpResponse:
    """Files rejected for a want (never offered again) and blocked peers, each removable."""
    rejected = RejectedFile.objects.select_related("track", "track__artist", "track__album")
    page = Paginator(rejected.order_by("-created_at", "-pk"), 50).get_page(
        int_param(request.GET, "page", 1)
    )
    names = {row.username for row in page}
    blocked_names = set(
        Peer.objects.filter(username__in=names, is_blocked=True).values_list("username", flat=True)
    )
    peers = Peer.objects.filter(is_blocked=True).order_by("username")
    peer_page = Paginator(peers, 50).get_page(int_param(request.GET, "peers_page", 1))
    context = {"page": page, "blocked_names": blocked_names, "peer_page": peer_page}
    return render(request, "downloads/blocklist.html", context)


@require_POST
def rejected_remove(request: HttpRequest, rejected_id: int) -> HttpResponse:
    removed = services.remove_rejected_file(rejected_id)
    if removed is None:
        messages.warning(request, "That file was already off the list.")
    else:
        messages.success(
            request, f"{removed.filename} may be offered again for {removed.track.title}."
        )
    return redirect_back(request, reverse("downloads:blocklist"))


@require_POST
def peer_block(request: HttpRequest) -> HttpResponse:
    """Block or unblock a Soulseek user (`blocked` is "true" or "false")."""
    blocked = request.POST.get("blocked") == "true"
    try:
        peer = services.set_peer_blocked(
            text_param(request.POST, "username"), blocked, note=text_param(request.POST, "note")
        )
    except SoulSpotError as exc:
        messages.error(request, str(exc))
    else:
        verb = "Blocked" if peer.is_blocked else "Unblocked"
        messages.success(request, f"{verb} {peer.username}.")
    return redirect_back(request, reverse("downloads:blocklist"))


# --- actions offered on library pages (the library cannot queue downloads itself) -------


@require_POST
def broken_redownload(request: HttpRequest) -> HttpResponse:
    """Re-download the selected broken files, or all of them."""
    ids = id_list(request.POST, "file") or None
    result = services.redownload_broken_files(ids)
    messages.success(request, f"Re-download: {result.summary()}.")
    for skip in result.skipped[:10]:
        messages.warning(request, f"{skip.item}: {skip.reason}")
    return redirect_back(request, reverse("library:broken"))


@require_POST
def album_want_missing(request: HttpRequest, album_id: int) -> HttpResponse:
    get_object_or_404(AlbumCompleteness, album_id=album_id)
    result = services.want_missing_tracks(album_id)
    messages.success(request, f"Missing tracks: {result.summary()}.")
    for skip in result.skipped[:10]:
        messages.warning(request, f"{skip.item}: {skip.reason}")
    return redirect_back(request, reverse("library:incomplete"))


# --- the wanted lists: what the library wants, searched from here -----------------------------

# Tab (URL) -> the list's title, its tracks, and the list's name for "search all".
WANTED_TABS = {
    "missing": ("Missing", Track.objects.missing, "missing"),
    "cutoff-unmet": ("Cutoff unmet", Track.objects.cutoff_unmet, "cutoff_unmet"),
}


def wanted(request: HttpRequest, tab: str = "missing") -> HttpResponse:
    """Monitored tracks without a healthy file, or below their cutoff; select and search."""
    title, tracks, list_name = WANTED_TABS[tab]
    sort = request.GET.get("sort", "artist")
    if sort.removeprefix("-") not in WANTED_SORTS:
        sort = "artist"
    rows = tracks().wanted_rows().in_wanted_order(sort)
    page = Paginator(rows, 50).get_page(int_param(request.GET, "page", 1))
    for track in page:
        track.quality_label = QUALITIES.get(track.best_quality or "", track.best_quality)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "tab": tab,
        "title": title,
        "list_name": list_name,
        "page": page,
        "columns": _sort_columns(sort),
        "query": query,
    }
    return render(request, "downloads/wanted.html", context)


def _sort_columns(sort: str) -> list[dict]:
    """Each sortable column with the sort its header link asks for (a second click reverses)."""
    labels = {
        "artist": "Artist",
        "album": "Album",
        "title": "Title",
        "last_searched": "Last searched",
        "wanted_at": "Wanted",
    }
    return [
        {
            "label": label,
            "sort": f"-{key}" if sort == key else key,
            "arrow": {key: "▲", f"-{key}": "▼"}.get(sort, ""),
        }
        for key, label in labels.items()
    ]


@require_POST
def wanted_search(request: HttpRequest) -> HttpResponse:
    """Search the selected tracks, or every track of one list ("search all")."""
    which = request.POST.get("all", "")
    if which in ("missing", "cutoff_unmet"):
        result = services.search_all_wanted(which)
    else:
        ids = id_list(request.POST, "track", limit=MAX_SEARCH_IDS)
        if not ids:
            messages.error(request, "Select the tracks to search, or search them all.")
            return redirect_back(request, reverse("downloads:wanted"))
        result = services.search_wanted_tracks(ids)
    messages.success(request, f"Search: {result.summary()}.")
    for skip in result.skipped[:10]:
        messages.warning(request, f"{skip.item}: {skip.reason}")
    return redirect_back(request, reverse("downloads:wanted"))
