"""Request and response shapes of the import API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema
from pydantic import model_validator

from metadata.models import ImportItem, MetadataGap
from metadata.refresh import RefreshReport, Scope
from soulspot.lib.schemas import MAX_ITEMS, Id, PathText


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


class RefreshIn(Schema):
    """Exactly one scope: `track_ids`, `album_ids`, `artist_ids` (an artist with its albums
    and tracks) or `all`."""

    track_ids: list[Id] | None = Field(None, min_length=1, max_length=MAX_ITEMS)
    album_ids: list[Id] | None = Field(None, min_length=1, max_length=MAX_ITEMS)
    artist_ids: list[Id] | None = Field(None, min_length=1, max_length=MAX_ITEMS)
    all: bool = Field(False, description="The whole library (queued, never previewed).")
    preview: bool = Field(
        False, description="List the changes a refresh would make and keep none of them."
    )

    @model_validator(mode="after")
    def _exactly_one_scope(self) -> RefreshIn:
        scopes = [self.track_ids, self.album_ids, self.artist_ids, self.all]
        if sum(1 for scope in scopes if scope) != 1:
            raise ValueError("give exactly one of: track_ids, album_ids, artist_ids, all")
        return self

    def scope(self) -> Scope:
        return Scope(
            track_ids=tuple(dict.fromkeys(self.track_ids or ())),
            album_ids=tuple(dict.fromkeys(self.album_ids or ())),
            artist_ids=tuple(dict.fromkeys(self.artist_ids or ())),
            all=self.all,
        )


class RefreshChangeOut(Schema):
    kind: str
    id: int = Field(alias="object_id")
    label: str
    field: str
    old: Any
    new: Any
    source: str


class RefreshItemOut(Schema):
    kind: str
    id: int = Field(alias="object_id")
    label: str
    reason: str


class RefreshConflictOut(Schema):
    kind: str
    id: int = Field(alias="object_id")
    label: str
    field: str
    offers: list[dict[str, Any]] = Field(description='[{"source", "value"}], best first.')


class RefreshReportOut(Schema):
    preview: bool = Field(description="True: nothing was kept.")
    summary: str
    changes: list[RefreshChangeOut]
    conflicts: list[RefreshConflictOut] = Field(
        description="Changes of words left for the user to settle (values kept meanwhile)."
    )
    refreshed: list[RefreshItemOut]
    skipped: list[RefreshItemOut] = Field(
        description="No MusicBrainz id, not on the album's release, or no such item."
    )
    not_found: list[RefreshItemOut] = Field(description="MusicBrainz has no such id.")
    errors: list[RefreshItemOut] = Field(description="MusicBrainz unavailable or refused.")

    @staticmethod
    def resolve_summary(report: RefreshReport) -> str:
        return str(report)


class RefreshQueuedOut(Schema):
    detail: str
    lookups: int | None = Field(description="MusicBrainz lookups needed; null for all.")
