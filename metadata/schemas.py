"""Request and response shapes of the import and naming API."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from metadata.models import MetadataGap
from soulspot.lib.schemas import ErrorOut


class ImportIn(Schema):
    path: str = Field(description="Absolute path of a folder (or one file) on the server.")
    copy_files: bool = Field(
        False, alias="copy", description="Copy into the library and leave the originals."
    )


class ImportBatchOut(Schema):
    id: int
    path: str
    status: str
    keep_source: bool
    total: int
    done: int
    imported: int
    skipped: int
    failed: int
    percent: int
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class ImportItemOut(Schema):
    id: int
    source_path: str
    state: str
    reason: str
    library_path: str
    set_aside_path: str
    track_id: int | None
    batch_id: int | None
    created_at: datetime


class ImportBatchDetailOut(ImportBatchOut):
    problems: list[ImportItemOut] = Field(
        description="Files that were skipped or failed, with the reason (at most 500)."
    )


class GapOut(Schema):
    id: int
    track_id: int
    track: str
    kind: str
    reason: str
    attempts: int
    next_attempt_at: datetime

    @staticmethod
    def resolve_track(gap: MetadataGap) -> str:
        return str(gap.track)


class RetryOut(Schema):
    count: int


class NamingOut(Schema):
    standard: str
    multi_disc: str
    various_artists: str
    various_artists_multi_disc: str
    defaults: dict[str, str]


class NamingIn(Schema):
    standard: str | None = None
    multi_disc: str | None = None
    various_artists: str | None = None
    various_artists_multi_disc: str | None = None

    def changes(self) -> dict[str, str]:
        return {name: value for name, value in self.dict().items() if value is not None}


class RenamePreviewIn(Schema):
    templates: NamingIn | None = Field(None, description="Templates to try (default: current).")
    track_file_ids: list[int] | None = Field(None, description="Files to show (default: all).")
    limit: int = Field(200, ge=1, le=1000)
    only_changed: bool = True


class RenameApplyIn(Schema):
    templates: NamingIn | None = Field(None, description="Saved first when given.")
    track_file_ids: list[int] = Field(..., min_length=1, max_length=1000)


class RenameOut(Schema):
    track_file_id: int
    old: str
    new: str
    changed: bool
    problem: str


# The naming endpoints' refusals: the shared error answer under its old name.
ProblemOut = ErrorOut
