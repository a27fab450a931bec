"""Request and response shapes of the import API."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from metadata.models import ImportItem, MetadataGap
from soulspot.lib.schemas import PathText


class ImportIn(Schema):
    path: PathText = Field(description="Absolute path of a folder (or one file) on the server.")
    copy_files: bool = Field(
        False, alias="copy", description="Copy into the library and leave the originals."
    )
    deep: bool = Field(
        False, description="Decode every file first; files that do not decode are not imported."
    )


class ImportBatchOut(Schema):
    id: int
    path: str
    status: str
    keep_source: bool
    deep: bool
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
    replaced_by_id: int | None = Field(
        description="The later import whose better file replaced this one's (library_path is "
        "then where it was; set_aside_path where it went)."
    )
    created_at: datetime
    warning: str = Field(
        description='What went wrong although the file was imported ("tags not written: ...").'
    )

    @staticmethod
    def resolve_warning(item: ImportItem) -> str:
        return item.reason if item.state == ImportItem.State.IMPORTED else ""


class ImportBatchDetailOut(ImportBatchOut):
    problems: list[ImportItemOut] = Field(
        description="Files that were skipped or failed, with the reason (at most 500)."
    )
    warnings: list[ImportItemOut] = Field(
        description="Files imported with a warning, e.g. tags not written (at most 500)."
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
