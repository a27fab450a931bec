"""Library pages: tracks (with monitor toggles), scans with live progress, duplicates, broken
files, incomplete albums, the want history, file naming with a preview of the renames.

Each page and its HTMX fragments come from one template (django-template-partials). Actions
are POSTs that call a service, flash a message and redirect back to the page they came from.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling

from library import services
from library.models import (
    AlbumCompleteness,
    DuplicateGroup,
    HistoryEvent,
    LibraryScan,
    NamingScheme,
    Track,
    TrackFile,
)
from library.naming import services as naming_services
from library.quality import QUALITIES
from soulspot.lib.params import BadParameter, id_list, int_param, text_param
from soulspot.lib.redirects import redirect_back
from soulspot.lib.schemas import MAX_PATH

PAGE_SIZE = 50
PREVIEW_LIMIT = 200
_FLAGS = {"1": True, "0": False}


def _page(request: HttpRequest, items: object, size: int = PAGE_SIZE) -> object:
    return Paginator(items, size).get_page(int_param(request.GET, "page", 1))


# --- tracks -------------------------------------------------------------------------------------


def track_filters(request: HttpRequest) -> dict:
    """The tracks list's filters from the query string (unknown values are ignored)."""
    get = request.GET
    return {
        "q": text_param(get, "q"),
        "status": get.get("status") if get.get("status") in Track.Status.values else None,
        "format": get.get("format") if get.get("format") in TrackFile.Format.values else None,
        "quality": get.get("quality") if get.get("quality") in QUALITIES else None,
        "broken": _FLAGS.get(get.get("broken", "")),
        "missing": _FLAGS.get(get.get("missing", "")),
        "duplicate": _FLAGS.get(get.get("duplicate", "")),
    }


def tracks(request: HttpRequest) -> HttpResponse:
    try:
        filters = track_filters(request)
    except BadParameter as exc:
        return HttpResponseBadRequest(str(exc))
    page = _page(request, Track.objects.with_files().filtered(**filters))
    context = {
        "page": page,
        "filters": filters,
        "formats": TrackFile.Format.choices,
        "qualities": QUALITIES.items(),
        "statuses": Track.Status.choices,
        "query": request.GET.copy(),
    }
    template = "library/tracks.html#results" if request.htmx else "library/tracks.html"
    return render(request, template, context)


@require_POST
def track_monitor(request: HttpRequest, track_id: int) -> HttpResponse:
    """Monitor or unmonitor one track (`monitored` = 1 or 0); HTMX gets the row back."""
    track = get_object_or_404(Track, pk=track_id)
    services.set_monitored(track, request.POST.get("monitored") == "1")
    if request.htmx:
        row = Track.objects.with_files().get(pk=track_id)
        context = {"track": row, "next": request.POST.get("next", "")}
        return render(request, "library/_track_row.html", context)
    verb = "Monitoring" if track.monitored else "No longer monitoring"
    messages.success(request, f"{verb} {track}.")
    return redirect_back(request, reverse("library:tracks"))


# --- scans --------------------------------------------------------------------------------------


def scans(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _start_scan(request)
    context = {
        "page": _page(request, LibraryScan.objects.recent(), 20),
        "active": LibraryScan.objects.active().first(),
    }
    return render(request, "library/scans.html", context)


def _start_scan(request: HttpRequest) -> HttpResponse:
    try:
        scan = services.start_scan(
            text_param(request.POST, "path", MAX_PATH) or None,
            full=bool(request.POST.get("full")),
            deep=bool(request.POST.get("deep")),
            requested_by="web",
        )
    except services.ScanAlreadyRunning as exc:
        messages.error(request, str(exc))
        return redirect("library:scan", exc.scan.pk)
    except (services.ScanError, BadParameter) as exc:
        messages.error(request, str(exc))
        return redirect("library:scans")
    return redirect("library:scan", scan.pk)


def scan_detail(request: HttpRequest, scan_id: int) -> HttpResponse:
    """The scan page; HTMX polls its progress fragment every 2 s until the scan ends."""
    scan = get_object_or_404(LibraryScan, pk=scan_id)
    if request.htmx:
        response = render(request, "library/scan.html#progress", {"scan": scan})
        # 286 tells htmx to stop polling; the final figures are still swapped in.
        return HttpResponseStopPolling(response.content) if scan.is_terminal else response
    problems = _page(request, scan.problems.order_by("pk"))
    return render(request, "library/scan.html", {"scan": scan, "problems": problems})


@require_POST
def scan_cancel(request: HttpRequest, scan_id: int) -> HttpResponse:
    try:
        services.cancel_scan(scan_id)
    except services.ScanError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Scan #{scan_id} cancelled.")
    return redirect("library:scan", scan_id)


# --- duplicates ---------------------------------------------------------------------------------


def duplicates(request: HttpRequest) -> HttpResponse:
    groups = DuplicateGroup.objects.open().with_files().order_by("pk")
    return render(request, "library/duplicates.html", {"page": _page(request, groups, 20)})


@require_POST
def duplicate_resolve(request: HttpRequest, group_id: int) -> HttpResponse:
    try:
        result = services.resolve_duplicate_group(group_id, _keep_file_id(request))
    except (services.DuplicateError, BadParameter) as exc:
        messages.error(request, str(exc))
    else:
        _report_resolution(request, result)
    return redirect_back(request, reverse("library:duplicates"))


def _keep_file_id(request: HttpRequest) -> int | None:
    """The file the user chose to keep; none chosen keeps the proposal."""
    if not request.POST.get("keep"):
        return None
    keep = int_param(request.POST, "keep")
    if keep is None:
        raise BadParameter("keep is not a file id")
    return keep


def _report_resolution(request: HttpRequest, result: services.Resolution) -> None:
    if result.ok:
        moved = len(result.moved)
        messages.success(request, f"Kept one file; {moved} moved to the recycle bin.")
        return
    for failure in result.failed:
        messages.error(request, f"Could not move {failure.path}: {failure.error}")


@require_POST
def duplicate_dismiss(request: HttpRequest, group_id: int) -> HttpResponse:
    try:
        services.dismiss_duplicate_group(group_id)
    except services.DuplicateError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Marked as not duplicates.")
    return redirect_back(request, reverse("library:duplicates"))


# --- broken files -------------------------------------------------------------------------------


def broken(request: HttpRequest) -> HttpResponse:
    files = TrackFile.objects.broken_listing().order_by("path")
    return render(request, "library/broken.html", {"page": _page(request, files)})


@require_POST
def broken_recycle(request: HttpRequest, file_id: int) -> HttpResponse:
    file = get_object_or_404(TrackFile.objects.broken(), pk=file_id)
    result = services.recycle_files([file.pk], reason=f"broken file: {file.broken_reason}")
    for skip in result.skipped:
        messages.error(request, f"Could not move {skip.item}: {skip.reason}")
    if result.moved:
        messages.success(request, f"Moved {file.path} to the recycle bin.")
    return redirect_back(request, reverse("library:broken"))


# --- album completeness -------------------------------------------------------------------------


def incomplete(request: HttpRequest) -> HttpResponse:
    rows = AlbumCompleteness.objects.incomplete().select_related("album__artist")
    rows = rows.order_by("album__artist__name", "album__title", "pk")
    return render(request, "library/incomplete.html", {"page": _page(request, rows, 20)})


# --- naming -------------------------------------------------------------------------------------


class NamingForm(forms.ModelForm):
    class Meta:
        model = NamingScheme
        fields = list(NamingScheme.TEMPLATE_FIELDS)
        widgets = {name: forms.TextInput() for name in NamingScheme.TEMPLATE_FIELDS}

    def templates(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in NamingScheme.TEMPLATE_FIELDS}


@require_GET
def naming(request: HttpRequest) -> HttpResponse:
    """The naming templates, with a preview of what renaming the library would do."""
    form = NamingForm(instance=NamingScheme.load())
    return render(request, "library/naming.html", {"form": form})


@require_POST
def naming_preview(request: HttpRequest) -> HttpResponse:
    """Old -> new paths under the templates in the form (nothing is saved or moved)."""
    form = NamingForm(request.POST, instance=NamingScheme.load())
    plans = []
    if form.is_valid():
        plans = naming_services.preview_renames(None, form.templates(), limit=PREVIEW_LIMIT)
    context = {"form": form, "plans": plans, "limit": PREVIEW_LIMIT, "previewed": form.is_valid()}
    template = "library/naming.html#preview" if request.htmx else "library/naming.html"
    return render(request, template, context)


@require_POST
def naming_apply(request: HttpRequest) -> HttpResponse:
    """Save the templates and rename the files ticked in the preview."""
    form = NamingForm(request.POST, instance=NamingScheme.load())
    if not form.is_valid():
        return render(request, "library/naming.html", {"form": form}, status=400)
    ids = id_list(request.POST, "track_file")
    results = naming_services.apply_renames(ids, form.templates())
    moved = sum(1 for r in results if r.changed)
    messages.success(request, f"Naming saved; {moved} files renamed.")
    for problem in [f"{r.old}: {r.problem}" for r in results if r.problem][:20]:
        messages.error(request, problem)
    return redirect("library:naming")


# --- history ------------------------------------------------------------------------------------


def history_filters(request: HttpRequest) -> dict:
    """The history page's filters from the query string (unknown values are ignored)."""
    get = request.GET
    return {
        "type": get.get("type") if get.get("type") in HistoryEvent.Type.values else None,
        "track_id": int_param(get, "track"),
        "job_id": int_param(get, "job"),
    }


def history(request: HttpRequest) -> HttpResponse:
    """What happened to each want, newest first; filter by type, track or job."""
    filters = history_filters(request)
    events = HistoryEvent.objects.filtered(**filters).with_track().newest_first()
    context = {
        "page": _page(request, events),
        "filters": filters,
        "types": HistoryEvent.Type.choices,
        "query": _without_page(request),
        "track": Track.objects.with_relations().filter(pk=filters["track_id"]).first()
        if filters["track_id"]
        else None,
    }
    return render(request, "library/history.html", context)


def _without_page(request: HttpRequest) -> object:
    query = request.GET.copy()
    query.pop("page", None)
    return query
