"""The lists page: upload a file or paste lines, preview what is understood, import; the
imported lists below with their counts.

The form is one: "Preview" posts it by HTMX and swaps in the preview fragment, "Import" submits
it and the page shows the result (with the rejected lines and why). Page and fragments come
from one template.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from automation.lists import services
from automation.lists.parse import MAX_BYTES, ListError, ListTooLarge
from library.models import Playlist
from soulspot.lib.schemas import MAX_TEXT

TEMPLATE = "automation/lists.html"


def index(request: HttpRequest) -> HttpResponse:
    return _page(request, {})


@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """What the form's file or text would give; nothing is written."""
    context: dict = {"previewed": True}
    try:
        data, filename = _submitted(request)
        context["parsed"] = services.preview_list(data, filename=filename)
    except ListError as exc:
        context["error"] = str(exc)
    if request.htmx:  # htmx swaps only 2xx answers in: the refusal is the fragment's content
        return _page(request, context, template=f"{TEMPLATE}#preview")
    return _page(request, context, status=400 if "error" in context else 200)


@require_POST
def import_view(request: HttpRequest) -> HttpResponse:
    """Import the form's file or text as a list and show what came of it."""
    try:
        data, filename = _submitted(request)
        name = request.POST.get("name", "")[:MAX_TEXT].replace("\x00", "")
        result = services.import_list(name, data, filename=filename)
    except ListError as exc:
        return _page(request, {"previewed": True, "error": str(exc)}, status=400)
    return _page(request, {"result": result})


@require_POST
def delete(request: HttpRequest, list_id: int) -> HttpResponse:
    playlist = get_object_or_404(Playlist, pk=list_id, source=Playlist.Source.IMPORT)
    name = playlist.name
    services.delete_list(playlist)
    messages.success(request, f"List {name} deleted; its tracks stay in the library.")
    return redirect("lists:index")


def _submitted(request: HttpRequest) -> tuple[bytes | str, str]:
    """The uploaded file if there is one, else the pasted text."""
    upload = request.FILES.get("file")
    if upload is not None:
        data = upload.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise ListTooLarge(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
        return data, upload.name or ""
    text = request.POST.get("text", "")
    if not text.strip():
        raise ListError("choose a file or paste some lines")
    return text, ""


def _page(
    request: HttpRequest, context: dict, *, template: str = TEMPLATE, status: int = 200
) -> HttpResponse:
    context = {
        "lists": services.imported_lists(),
        "max_mb": MAX_BYTES // (1024 * 1024),
        **context,
    }
    return render(request, template, context, status=status)
