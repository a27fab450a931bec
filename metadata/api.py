"""REST endpoints for imports, metadata gaps and naming (mounted at /api)."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

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

router = Router(tags=["import"])
MAX_PROBLEMS = 500


@router.post("/library/imports", response={202: ImportBatchOut, 400: ProblemOut})
def start_import(request: HttpRequest, payload: ImportIn) -> Status:
    """Import a folder of files already on the server (e.g. slskd's download folder)."""
    try:
        batch = services.start_folder_import(payload.path, keep_source=payload.copy_files)
    except services.ImportRefused as exc:
        return Status(400, {"detail": str(exc)})
    return Status(202, batch)


@router.get("/library/imports", response=list[ImportBatchOut])
def list_imports(request: HttpRequest, limit: int = Query(50, ge=1, le=500)) -> list[ImportBatch]:
    """Folder imports, newest first."""
    return list(ImportBatch.objects.recent()[:limit])


@router.get("/library/imports/{batch_id}", response=ImportBatchDetailOut)
def get_import(request: HttpRequest, batch_id: int) -> ImportBatch:
    """Progress of a folder import, with every skipped or failed file and the reason."""
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    batch.problems = list(batch.items.problems().order_by("pk")[:MAX_PROBLEMS])
    return batch


@router.get("/library/import-items", response=list[ImportItemOut])
def list_import_items(
    request: HttpRequest,
    state: ImportItem.State | None = None,
    limit: int = Query(100, ge=1, le=1000),
) -> list[ImportItem]:
    """Per-file import records (downloads and folders), newest first."""
    items = ImportItem.objects.order_by("-created_at", "-pk")
    if state:
        items = items.filter(state=state)
    return list(items[:limit])


@router.get("/library/gaps", response=list[GapOut])
def list_gaps(request: HttpRequest, limit: int = Query(200, ge=1, le=1000)) -> list[dict]:
    """What imports could not get because a provider was down, and when it is retried."""
    gaps = MetadataGap.objects.with_track().order_by("next_attempt_at", "pk")[:limit]
    return [
        {
            "id": gap.pk,
            "track_id": gap.track_id,
            "track": str(gap.track),
            "kind": gap.kind,
            "reason": gap.reason,
            "attempts": gap.attempts,
            "next_attempt_at": gap.next_attempt_at,
        }
        for gap in gaps
    ]


@router.post("/library/gaps/retry", response=RetryOut)
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


@router.post("/albums/{album_id}/check", response=IncompleteAlbumOut, summary="Check an album now")
def check_album(request: HttpRequest, album_id: int) -> AlbumCompleteness:
    """Fetch the release's track list (MusicBrainz) and compare it with what is owned."""
    get_object_or_404(Album, pk=album_id)
    services.check_album_completeness(album_id)
    return AlbumCompleteness.objects.select_related("album__artist").get(album_id=album_id)
