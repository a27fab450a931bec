"""`/api/system`: backups of this installation (list, create, download).

Creating a backup is queued for the worker (202), never run in the request: a large SQLite
database takes a while to copy and compress, and a web worker busy for that long would time
out and stall every other request it should serve. The new archive appears in the list when
the worker is done.
"""

from __future__ import annotations

from datetime import datetime

from django.http import FileResponse, HttpRequest
from ninja import Path, Router, Schema, Status
from ninja.pagination import paginate

from soulspot import backups
from soulspot.lib.pagination import Page
from soulspot.lib.queue import enqueue
from soulspot.lib.schemas import errors

router = Router(tags=["system"])


class BackupOut(Schema):
    name: str
    size: int
    created_at: datetime


class BackupQueuedOut(Schema):
    status: str
    task_id: str


@router.get("/backups", response=list[BackupOut], summary="Backups, newest first")
@paginate(Page)
def list_backups(request: HttpRequest) -> list[backups.BackupInfo]:
    """The archives in the backup folder (`SOULSPOT_BACKUP_DIR`, default `<data>/backups`)."""
    return backups.list_backups()


@router.post("/backups", response={202: BackupQueuedOut}, summary="Back up now")
def create_backup(request: HttpRequest) -> Status:
    """Queue a backup for the worker; it appears in the list when written."""
    task_id = enqueue("soulspot.tasks.backup_now")
    return Status(202, {"status": "queued", "task_id": task_id})


@router.get(
    "/backups/{name}/download",
    response={200: None, **errors(404)},
    summary="Download one backup",
)
def download_backup(request: HttpRequest, name: str = Path(..., max_length=64)) -> FileResponse:
    """The archive as a file; only names of our own archives are served (404 otherwise)."""
    path = backups.backup_path(name)
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
