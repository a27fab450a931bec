"""REST endpoints for imports, metadata gaps and album checks (mounted at /api/metadata).

No `from __future__ import annotations` here: django-ninja reads these annotations at runtime.
"""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from library.models import Album, AlbumCompleteness
from library.schemas import IncompleteAlbumOut
from metadata import refresh, services
from metadata.models import ImportBatch, ImportItem, MetadataGap
from metadata.schemas import (
    GapOut,
    ImportBatchDetailOut,
    ImportBatchOut,
    ImportIn,
    ImportItemOut,
    RefreshIn,
    RefreshQueuedOut,
    RefreshReportOut,
    RetryOut,
)
from soulspot.lib.pagination import Page
from soulspot.lib.schemas import Id, errors

router = Router(tags=["metadata"])
MAX_PROBLEMS = 500


@router.post("/imports", response={202: ImportBatchOut, **errors(400)})
def start_import(request: HttpRequest, payload: ImportIn) -> Status:
    """Import a folder of files already on the server (e.g. slskd's download folder).

    The folder must lie inside one of `SOULSPOT_IMPORT_DIRS` (or the music folder), symlinks
    resolved; anything else is 400 "not inside an import folder", whether it exists or not.
    Inside one, 400 says why the folder cannot be imported (missing, unreadable, contains the
    library). Symlinks in it are not followed and files of live download jobs are left alone;
    both are listed as skipped, with the reason.
    """
    batch = services.start_folder_import(
        payload.path, keep_source=payload.copy_files, deep=payload.deep
    )
    return Status(202, batch)


@router.get("/imports", response=list[ImportBatchOut])
@paginate(Page)
def list_imports(request: HttpRequest) -> QuerySet:
    """Folder imports, newest first."""
    return ImportBatch.objects.recent()


@router.get("/imports/{batch_id}", response={200: ImportBatchDetailOut, **errors(404)})
def get_import(request: HttpRequest, batch_id: Id) -> ImportBatch:
    """Progress of a folder import, with every skipped or failed file and the reason, and the
    files imported with a warning."""
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    batch.problems = list(batch.items.problems().order_by("pk")[:MAX_PROBLEMS])
    batch.warnings = list(batch.items.warnings().order_by("pk")[:MAX_PROBLEMS])
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


@router.post(
    "/albums/{album_id}/check",
    response={200: IncompleteAlbumOut, **errors(404)},
    summary="Check an album now",
)
def check_album(request: HttpRequest, album_id: Id) -> AlbumCompleteness:
    """Fetch the release's track list (MusicBrainz) and compare it with what is owned."""
    get_object_or_404(Album, pk=album_id)
    services.check_album_completeness(album_id)
    return AlbumCompleteness.objects.select_related("album__artist").get(album_id=album_id)


@router.post(
    "/refresh",
    response={200: RefreshReportOut, 202: RefreshQueuedOut, **errors(400, 503)},
    summary="Refresh from MusicBrainz",
)
def refresh_from_musicbrainz(request: HttpRequest, payload: RefreshIn) -> Status:
    """Ask MusicBrainz again about tracks, albums, artists or the whole library (beets'
    `mbsync`) and record its answers by the authority order: manual edits keep winning, a
    change of words becomes a conflict, changed values re-tag the files.

    Up to 5 lookups (one per album, artist or loose track) answer 200 with the report at once;
    `preview` then lists the changes without keeping any. Anything larger, or `all`, is queued
    (202) and cannot be previewed (400). 503 when MusicBrainz answered none of the lookups.
    """
    answer = refresh.request_refresh(payload.scope(), preview=payload.preview)
    return Status(202 if isinstance(answer, refresh.Queued) else 200, answer)
