"""REST endpoints for imports, metadata gaps and naming (mounted at /api/metadata).

No `from __future__ import annotations` here: django-ninja reads these annotations at runtime.
"""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from library.models import Album, AlbumCompleteness
from library.naming import DEFAULT_TEMPLATES
from library.schemas import IncompleteAlbumOut
from metadata import services
from metadata.models import ImportBatch, ImportItem, MetadataGap, NamingScheme
from metadata.schemas import (
    GapOut,
    ImportBatchDetailOut,
    ImportBatchOut,
    ImportIn,
    ImportItemOut,
    NamingIn,
    NamingOut,
    ProblemOut,
    RenameApplyIn,
    RenameOut,
    RenamePreviewIn,
    RetryOut,
)
from soulspot.lib.pagination import Page
from soulspot.lib.schemas import errors

router = Router(tags=["metadata"])
MAX_PROBLEMS = 500


@router.post("/imports", response={202: ImportBatchOut, **errors(400)})
def start_import(request: HttpRequest, payload: ImportIn) -> Status:
    """Import a folder of files already on the server (e.g. slskd's download folder).

    400 says why the folder cannot be imported (missing, unreadable, contains the library).
    """
    batch = services.start_folder_import(payload.path, keep_source=payload.copy_files)
    return Status(202, batch)


@router.get("/imports", response=list[ImportBatchOut])
@paginate(Page)
def list_imports(request: HttpRequest) -> QuerySet:
    """Folder imports, newest first."""
    return ImportBatch.objects.recent()


@router.get("/imports/{batch_id}", response={200: ImportBatchDetailOut, **errors(404)})
def get_import(request: HttpRequest, batch_id: int) -> ImportBatch:
    """Progress of a folder import, with every skipped or failed file and the reason."""
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    batch.problems = list(batch.items.problems().order_by("pk")[:MAX_PROBLEMS])
    return batch


@router.get("/import-items", response=list[ImportItemOut])
@paginate(Page)
def list_import_items(request: HttpRequest, state: ImportItem.State | None = None) -> QuerySet:
    """Per-file import records (downloads and folders), newest first."""
    items = ImportItem.objects.order_by("-created_at", "-pk")
    return items.filter(state=state) if state else items


@router.get("/gaps", response=list[GapOut])
@paginate(Page)
def list_gaps(request: HttpRequest) -> QuerySet:
    """What imports could not get because a provider was down, and when it is retried."""
    return MetadataGap.objects.with_track().order_by("next_attempt_at", "pk")


@router.post("/gaps/retry", response=RetryOut)
def retry_gaps(request: HttpRequest) -> dict:
    """Retry every open gap now instead of at its scheduled time."""
    return {"count": services.retry_gaps_now()}


@router.get("/naming", response=NamingOut)
def get_naming(request: HttpRequest) -> dict:
    """The naming templates (Lidarr-style tokens) and their defaults."""
    return _naming_out(NamingScheme.load())


@router.put("/naming", response={200: NamingOut, 400: ProblemOut})
def update_naming(request: HttpRequest, payload: NamingIn) -> Status:
    """Change templates; existing files keep their names until a rename is applied."""
    try:
        scheme = services.save_naming_scheme(payload.changes())
    except services.InvalidTemplate as exc:
        return Status(400, {"detail": str(exc)})
    return Status(200, _naming_out(scheme))


@router.post("/naming/preview", response={200: list[RenameOut], 400: ProblemOut})
def preview_naming(request: HttpRequest, payload: RenamePreviewIn) -> Status:
    """Old -> new path for the chosen files (default: all) under the given templates."""
    templates = payload.templates.changes() if payload.templates else None
    try:
        plans = services.preview_renames(
            payload.track_file_ids,
            templates,
            limit=payload.limit,
            only_changed=payload.only_changed,
        )
    except services.InvalidTemplate as exc:
        return Status(400, {"detail": str(exc)})
    return Status(200, [_rename_out(plan) for plan in plans])


@router.post("/naming/apply", response={200: list[RenameOut], 400: ProblemOut})
def apply_naming(request: HttpRequest, payload: RenameApplyIn) -> Status:
    """Save the templates (when given) and rename the chosen files with safe moves."""
    templates = payload.templates.changes() if payload.templates else None
    try:
        plans = services.apply_renames(payload.track_file_ids, templates)
    except services.InvalidTemplate as exc:
        return Status(400, {"detail": str(exc)})
    return Status(200, [_rename_out(plan) for plan in plans])


def _naming_out(scheme: NamingScheme) -> dict:
    return {**scheme.templates(), "defaults": dict(DEFAULT_TEMPLATES)}


def _rename_out(plan: services.RenamePlan) -> dict:
    return {
        "track_file_id": plan.track_file_id,
        "old": plan.old,
        "new": plan.new,
        "changed": plan.changed,
        "problem": plan.problem,
    }


@router.post(
    "/albums/{album_id}/check",
    response={200: IncompleteAlbumOut, **errors(404)},
    summary="Check an album now",
)
def check_album(request: HttpRequest, album_id: int) -> AlbumCompleteness:
    """Fetch the release's track list (MusicBrainz) and compare it with what is owned."""
    get_object_or_404(Album, pk=album_id)
    services.check_album_completeness(album_id)
    return AlbumCompleteness.objects.select_related("album__artist").get(album_id=album_id)
