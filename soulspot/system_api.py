"""`/api/system`: backups of this installation (list, create, download); versions, folders
and workers; the task queue (queued and failed tasks, retry); the newest log lines.

Creating a backup is queued for the worker (202), never run in the request: a large SQLite
database takes a while to copy and compress, and a web worker busy for that long would time
out and stall every other request it should serve. The new archive appears in the list when
the worker is done.

No `from __future__ import annotations` here: django-ninja reads these annotations at runtime.
"""

from datetime import datetime
from typing import Literal

from django.http import FileResponse, HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from soulspot import backups, log_viewer, system_info, system_tasks
from soulspot.lib.pagination import Page
from soulspot.lib.queue import enqueue
from soulspot.lib.schemas import Text, errors

router = Router(tags=["system"])

TaskState = Literal["queued", "failed"]
LEVEL_PATTERN = r"^(?i)(debug|info|warning|error|critical)?$"


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


class VersionOut(Schema):
    name: str
    version: str
    detail: str


class FolderOut(Schema):
    label: str
    path: str
    state: str
    free_bytes: int | None
    total_bytes: int | None


class WorkerOut(Schema):
    name: str
    beat_at: datetime
    age_seconds: int
    age: str
    fresh: bool


class InfoOut(Schema):
    versions: list[VersionOut]
    folders: list[FolderOut]
    workers: list[WorkerOut]


class TaskOut(Schema):
    id: str
    name: str
    task: str = Field(description="The task's dotted path (what runs).")
    state: str = Field(description="queued or failed")
    queued_at: datetime | None = None
    age: str = ""
    running: bool = False
    started_at: datetime | None = None
    failed_at: datetime | None = None
    error: str = ""


class LogLineOut(Schema):
    time: str
    level: str
    logger: str
    message: str
    request_id: str
    exception: str


# A task id is django-q's uuid4 hex.
TaskId = Path(..., min_length=1, max_length=32, pattern=r"^[0-9a-f]+$")


@router.get("/info", response=InfoOut, summary="Versions, folders and workers")
def info(request: HttpRequest) -> dict:
    """SoulSpot, Python, Django, database and slskd versions ("not configured" or
    "unreachable" in words), each folder with its free space, and the workers' heartbeats."""
    return {
        "versions": system_info.versions(),
        "folders": system_info.folders(),
        "workers": system_info.workers(),
    }


@router.get("/tasks", response=list[TaskOut], summary="Queued or failed tasks")
@paginate(Page)
def list_tasks(request: HttpRequest, state: TaskState = "queued") -> system_tasks.Rows:
    """`state=queued`: waiting for a worker, oldest first; `state=failed`: most recent first."""
    if state == "failed":
        return system_tasks.failed_tasks()
    return system_tasks.queued_tasks()


@router.post(
    "/tasks/{task_id}/retry",
    response={202: BackupQueuedOut, **errors(404, 409)},
    summary="Retry a failed task",
)
def retry_task(request: HttpRequest, task_id: str = TaskId) -> Status:
    """Queue the failed task again with the same arguments; the failure is removed."""
    new_id = system_tasks.retry_task(task_id)
    return Status(202, {"status": "queued", "task_id": new_id})


@router.delete(
    "/tasks/{task_id}", response={204: None, **errors(404)}, summary="Delete a failed task"
)
def delete_task(request: HttpRequest, task_id: str = TaskId) -> Status:
    """Forget a failed task."""
    system_tasks.delete_failed_task(task_id)
    return Status(204, None)


@router.get("/logs", response=list[LogLineOut], summary="The newest log lines")
@paginate(Page)
def logs(
    request: HttpRequest,
    level: str = Query("", pattern=LEVEL_PATTERN, description="This level and above."),
    q: Text = "",
) -> list[log_viewer.LogLine]:
    """Lines of the log file at `level` and above whose message, logger or request id contains
    `q`, newest first, from its last 256 KB only (older lines: read the file)."""
    return log_viewer.log_lines(level.upper(), q)
