"""Import pages: start and follow folder imports, see gaps."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling

from library import paths as library_paths
from metadata import services
from metadata.models import ImportBatch, ImportItem, MetadataGap

RECENT = 20


class ImportForm(forms.Form):
    path = forms.CharField(max_length=4096)
    copy = forms.BooleanField(required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Naming the allowed folders tells the signed-in user nothing they could not configure.
        folders = ", ".join(str(f) for f in library_paths.import_dirs())
        self.fields["path"].help_text = f"Absolute path of a folder inside one of: {folders}."


@require_GET
def imports(request: HttpRequest) -> HttpResponse:
    """Folder imports, the files that did not make it, and the open metadata gaps."""
    return render(request, "metadata/imports.html", _index_context(ImportForm()))


@require_POST
def start_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST)
    if form.is_valid():
        try:
            batch = services.start_folder_import(
                form.cleaned_data["path"], keep_source=form.cleaned_data["copy"]
            )
        except services.ImportRefused as exc:
            form.add_error("path", str(exc))
        else:
            messages.success(request, f"Import of {batch.path} queued.")
            return redirect("metadata:batch", batch.pk)
    return render(request, "metadata/imports.html", _index_context(form), status=400)


@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A folder import's progress; the HTMX poll stops once the import is finished."""
    batch = get_object_or_404(ImportBatch, pk=pk)
    context = {
        "batch": batch,
        "problems": batch.items.problems().order_by("pk")[:500],
        "warnings": batch.items.warnings().order_by("pk")[:500],
    }
    if not request.htmx:
        return render(request, "metadata/batch.html", context)
    if batch.is_terminal:
        html = render_to_string("metadata/batch.html#progress", context, request=request)
        return HttpResponseStopPolling(html)
    return render(request, "metadata/batch.html#progress", context)


@require_POST
def retry_gaps(request: HttpRequest) -> HttpResponse:
    count = services.retry_gaps_now()
    messages.success(request, f"{count} gaps will be retried in a moment.")
    return redirect("metadata:imports")


def _index_context(form: ImportForm) -> dict:
    gap_counts = dict(
        MetadataGap.objects.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    return {
        "form": form,
        "batches": ImportBatch.objects.recent()[:RECENT],
        "problems": ImportItem.objects.problems().order_by("-created_at", "-pk")[:RECENT],
        "warnings": ImportItem.objects.warnings().order_by("-created_at", "-pk")[:RECENT],
        "gap_counts": [
            (label, gap_counts.get(kind, 0)) for kind, label in MetadataGap.Kind.choices
        ],
        "open_gaps": sum(gap_counts.values()),
    }


@require_POST
def albums_check(request: HttpRequest) -> HttpResponse:
    services.enqueue_album_checks()
    messages.success(request, "Checking albums against MusicBrainz in the background.")
    return redirect("library:incomplete")
