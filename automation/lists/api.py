"""REST endpoints for imported lists (mounted at /api/lists). Each calls one service.

A list arrives as JSON text (`POST /api/lists`, `POST /api/lists/preview`) or as an uploaded
file (`POST /api/lists/upload`, `POST /api/lists/preview/upload`, multipart `file` + `name`):
one path cannot take both a JSON body and a multipart form cleanly in django-ninja.

No `from __future__ import annotations` here: django-ninja reads these annotations at runtime.
"""

from dataclasses import asdict

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Status, UploadedFile
from ninja.pagination import paginate

from automation.lists import services
from automation.lists.parse import MAX_BYTES, ListTooLarge, ParsedList
from automation.lists.schemas import ImportOut, ListIn, ListOut, PreviewOut
from library.models import Playlist
from soulspot.lib.pagination import Page
from soulspot.lib.schemas import Id, Text, errors

router = Router(tags=["lists"])
LIST_ERRORS = errors(400, 413)


@router.post("", response={201: ImportOut, **LIST_ERRORS}, summary="Import a pasted list")
def import_text(request: HttpRequest, payload: ListIn) -> Status:
    """Make a playlist of wants from the text; an imported list of the same name is replaced
    (tracks it no longer names are released). Rejected lines come back with their reasons."""
    return Status(201, _import_out(services.import_list(payload.name, payload.text)))


@router.post("/upload", response={201: ImportOut, **LIST_ERRORS}, summary="Import a list file")
def import_file(
    request: HttpRequest, file: File[UploadedFile], name: Form[Text | None] = None
) -> Status:
    """As `POST /api/lists`, from a CSV or text file (at most 5 MB); the name defaults to the
    file's name."""
    result = services.import_list(name or "", _read(file), filename=file.name or "")
    return Status(201, _import_out(result))


@router.post("/preview", response={200: PreviewOut, **LIST_ERRORS}, summary="Preview a list")
def preview_text(request: HttpRequest, payload: ListIn) -> dict:
    """What importing the text would understand and reject; nothing is written."""
    return _preview_out(services.preview_list(payload.text))


@router.post(
    "/preview/upload", response={200: PreviewOut, **LIST_ERRORS}, summary="Preview a list file"
)
def preview_file(request: HttpRequest, file: File[UploadedFile]) -> dict:
    """What importing the file would understand and reject; nothing is written."""
    return _preview_out(services.preview_list(_read(file), filename=file.name or ""))


@router.get("", response=list[ListOut], summary="Imported lists")
@paginate(Page)
def list_lists(request: HttpRequest) -> QuerySet:
    """Newest first, with counts of entries, owned and wanted tracks."""
    return services.imported_lists()


@router.delete("/{list_id}", response={204: None, **errors(404)}, summary="Delete a list")
def delete_list(request: HttpRequest, list_id: Id) -> Status:
    """Releases the tracks only this list wanted and deletes the playlist; tracks stay."""
    playlist = get_object_or_404(Playlist, pk=list_id, source=Playlist.Source.IMPORT)
    services.delete_list(playlist)
    return Status(204, None)


def _read(file: UploadedFile) -> bytes:
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ListTooLarge(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    return data


def _preview_out(parsed: ParsedList) -> dict:
    rows = [{"line": row.line, **asdict(row.facts)} for row in parsed.rows]
    rejected = [asdict(line) for line in parsed.rejected]
    return {"kind": parsed.kind, "rows": rows, "rejected": rejected}


def _import_out(result: services.ListImport) -> dict:
    playlist = result.playlist
    return {
        "playlist": {"id": playlist.pk, "name": playlist.name, "entries": playlist.entries.count()},
        "understood": result.understood,
        "rejected": [asdict(line) for line in result.rejected],
        "newly_wanted": result.newly_wanted,
        "searches_queued": result.searches_queued,
    }
