"""Metadata pages: a track's fields with the source of each value and what the other sources
offered, the edit forms of tracks, albums and artists (manual edits, "clear manual edit"), and
the open conflicts with one-click settling.

Writes go through `library.provenance.edits`; these views only read the form and report.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from library.models import Album, Artist, FieldConflict, Kind, Source, Track
from library.provenance import edits, retag
from library.provenance.fields import SPECS, Row, is_empty, kind_of, spec_for
from library.provenance_forms import MetadataForm, display, field_label, parse_value
from library.provenance_rows import conflict_row, conflict_rows, links_of, provenance_rows
from soulspot.lib.params import BadParameter, int_param, text_param
from soulspot.lib.redirects import redirect_back

PAGE_SIZE = 50
MAX_TYPED = 12_000  # the longest list line the edit form takes
# The fields a conflict can be about (the engine asks the user only about these).
CONFLICT_FIELDS = sorted(
    {s.name for fields in SPECS.values() for s in fields.values() if s.conflicts}
)


# --- the track page -------------------------------------------------------------------------------


@require_GET
def track_detail(request: HttpRequest, track_id: int) -> HttpResponse:
    """A track: its fields with their sources and alternatives, its conflicts and its files."""
    track = get_object_or_404(Track.objects.with_files(), pk=track_id)
    conflicts = FieldConflict.objects.open().filter(kind=Kind.TRACK, object_id=track.pk)
    context = {
        "track": track,
        "provenance": provenance_rows(track),
        "conflicts": conflict_rows(conflicts.order_by("pk")),
        "links": links_of(track),
    }
    return render(request, "library/track.html", context)


# --- edit forms -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def track_edit(request: HttpRequest, track_id: int) -> HttpResponse:
    return _edit(request, get_object_or_404(Track.objects.with_relations(), pk=track_id))


@require_http_methods(["GET", "POST"])
def album_edit(request: HttpRequest, album_id: int) -> HttpResponse:
    return _edit(request, get_object_or_404(Album.objects.with_artist(), pk=album_id))


@require_http_methods(["GET", "POST"])
def artist_edit(request: HttpRequest, artist_id: int) -> HttpResponse:
    return _edit(request, get_object_or_404(Artist, pk=artist_id))


def _edit(request: HttpRequest, row: Row) -> HttpResponse:
    """The form (GET), or the changed fields saved as manual edits (POST)."""
    form = MetadataForm(row, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        return _save(request, row, form)
    provenance = provenance_rows(row)
    context = {
        "row": row,
        "kind": kind_of(row),
        "form": form,
        "fields": [(form[p.field], p) for p in provenance if p.field in form.fields],
        "provenance": provenance,
        "files": retag.files_to_retag(row),
        "links": links_of(row),
    }
    status = 400 if form.is_bound else 200
    return render(request, "library/metadata_edit.html", context, status=status)


def _save(request: HttpRequest, row: Row, form: MetadataForm) -> HttpResponse:
    links = links_of(row)
    changed = form.changed_values()
    if not changed:
        messages.info(request, "Nothing changed.")
        return redirect(links["page"])
    files = retag.files_to_retag(row)
    changes = edits.set_manual(row, changed)
    labels = ", ".join(field_label(form.kind, name) for name in changed)
    if changes and files:
        messages.success(request, f"Saved {labels} as manual edits; re-tagging {files} files.")
    else:
        messages.success(request, f"Saved {labels} as manual edits.")
    # The artist page lives elsewhere and shows no provenance: back to the form.
    return redirect(links["edit"] if form.kind == Kind.ARTIST else links["page"])


@require_POST
def track_clear_manual(request: HttpRequest, track_id: int) -> HttpResponse:
    return _clear(request, get_object_or_404(Track.objects.with_relations(), pk=track_id))


@require_POST
def album_clear_manual(request: HttpRequest, album_id: int) -> HttpResponse:
    return _clear(request, get_object_or_404(Album.objects.with_artist(), pk=album_id))


@require_POST
def artist_clear_manual(request: HttpRequest, artist_id: int) -> HttpResponse:
    return _clear(request, get_object_or_404(Artist, pk=artist_id))


def _clear(request: HttpRequest, row: Row) -> HttpResponse:
    """Forget the manual edit of the posted `field`: it follows its sources again."""
    kind, name = kind_of(row), request.POST.get("field", "")
    if name not in SPECS[kind]:
        return HttpResponseBadRequest("field is not a field this page edits")
    changes = edits.clear_manual(row, name)
    label = field_label(kind, name)
    if changes:
        value = display(changes[-1].new) or "empty"
        messages.success(request, f"{label} follows its sources again: now {value}.")
    else:
        messages.success(request, f"{label} follows its sources again.")
    return redirect_back(request, links_of(row)["edit"])


# --- conflicts ------------------------------------------------------------------------------------


def conflict_filters(request: HttpRequest) -> dict:
    """The conflicts list's filters from the query string (unknown values are ignored)."""
    name = request.GET.get("field", "")
    return {
        "field": name if name in CONFLICT_FIELDS else "",
        "album": int_param(request.GET, "album"),
    }


@require_GET
def conflicts(request: HttpRequest) -> HttpResponse:
    """Open conflicts, newest first, filtered by field and album, a page at a time."""
    filters = conflict_filters(request)
    rows = FieldConflict.objects.open()
    if filters["field"]:
        rows = rows.filter(field=filters["field"])
    if filters["album"]:
        rows = rows.filter(album_id=filters["album"])
    page = Paginator(rows.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        int_param(request.GET, "page", 1)
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "rows": conflict_rows(page.object_list),
        "filters": filters,
        "fields": [(name, name.replace("_", " ").capitalize()) for name in CONFLICT_FIELDS],
        "album": Album.objects.with_artist().filter(pk=filters["album"]).first()
        if filters["album"]
        else None,
        "query": query,
    }
    return render(request, "library/conflicts.html", context)


@require_POST
def conflict_resolve(request: HttpRequest, conflict_id: int) -> HttpResponse:
    """Settle a conflict with a source (`source`) or a typed `value`; `apply_to_album=1` settles
    the same field on the album's other tracks. HTMX gets the settled rows removed."""
    conflict = get_object_or_404(FieldConflict, pk=conflict_id)
    try:
        settled = _resolve(request, conflict)
    except edits.ConflictClosed as exc:
        return _settled(request, conflict, [], str(exc))
    except (BadParameter, edits.UnknownSource) as exc:
        return _refused(request, conflict, str(exc))
    return _settled(request, conflict, settled, _settled_message(settled))


def _resolve(request: HttpRequest, conflict: FieldConflict) -> list[int]:
    apply_to_album = request.POST.get("apply_to_album") == "1"
    choice = _choice(request, conflict)
    candidates = [conflict.pk]
    if apply_to_album and conflict.album_id is not None:
        same = FieldConflict.objects.open().filter(
            album_id=conflict.album_id, kind=conflict.kind, field=conflict.field
        )
        candidates += list(same.exclude(pk=conflict.pk).values_list("pk", flat=True))
    edits.resolve_conflict(conflict, apply_to_album=apply_to_album, **choice)
    still_open = set(
        FieldConflict.objects.open().filter(pk__in=candidates).values_list("pk", flat=True)
    )
    return [pk for pk in candidates if pk not in still_open]


def _choice(request: HttpRequest, conflict: FieldConflict) -> dict:
    """{"source": ...} when a source button was pressed, else {"value": the value typed or
    kept}."""
    source = text_param(request.POST, "source", 20)
    if source:
        if source not in Source.values or source == Source.MANUAL:
            raise BadParameter("source is not a source of metadata")
        return {"source": source}
    # "Keep the current value" posts it as `keep`; the text box posts `value`.
    typed = text_param(request.POST, "keep", MAX_TYPED) or text_param(
        request.POST, "value", MAX_TYPED
    )
    try:
        value = parse_value(spec_for(conflict.kind, conflict.field), typed)
    except KeyError:
        raise BadParameter("this field can no longer be edited") from None
    except ValidationError as exc:
        raise BadParameter(f"value: {' '.join(exc.messages)}") from None
    if is_empty(value):
        raise BadParameter("Pick a source or type a value.")
    return {"value": value}


def _settled_message(settled: list[int]) -> str:
    if len(settled) > 1:
        return f"Settled {len(settled)} conflicts on the album."
    return "Settled." if settled else "Nothing left to settle."


def _settled(
    request: HttpRequest, posted: FieldConflict, settled: list[int], message: str
) -> HttpResponse:
    if not request.htmx:
        messages.success(request, message)
        return redirect_back(request, reverse("library:conflicts"))
    # The posted row is the swap target (emptied); the album's other settled rows go too.
    others = format_html_join(
        "",
        '<tr id="conflict-{}" hx-swap-oob="delete"></tr>',
        ((pk,) for pk in settled if pk != posted.pk),
    )
    count = FieldConflict.objects.open().count()
    badge = format_html('<span id="open-conflicts" hx-swap-oob="true">{}</span>', count)
    return HttpResponse(others + badge)


def _refused(request: HttpRequest, conflict: FieldConflict, message: str) -> HttpResponse:
    if not request.htmx:
        messages.error(request, message)
        return redirect_back(request, reverse("library:conflicts"))
    # htmx swaps only 2xx answers: the row comes back with the reason, still open.
    context = {"item": conflict_row(conflict, error=message), "live": True}
    return render(request, "library/_conflict_row.html", context)
