"""Request and response shapes of the import API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import model_validator

from metadata.models import ImportItem, MetadataGap
from metadata.refresh import RefreshReport, Scope
from soulspot.lib.schemas import MAX_ITEMS, Id, NoNul, PathText, Text


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


# --- the metadata engine: conflicts and settings -------------------------------------------------

SourceName = Literal["manual", "musicbrainz", "spotify", "lastfm", "catalogue", "file_tags"]
FieldName = Annotated[str, Field(max_length=40), NoNul]


class ConflictFilters(Schema):
    status: Literal["open", "resolved", "superseded"] = "open"
    field: FieldName | None = None
    kind: Literal["track", "album", "artist"] | None = None
    album_id: Id | None = None


class ConflictOfferOut(Schema):
    source: str
    value: Any


class ConflictOut(Schema):
    id: int
    kind: str
    object_id: int
    field: str
    album_id: int | None
    label: str = Field(description="The track, album or artist it is about.")
    offers: list[ConflictOfferOut] = Field(description="Each source's value, best first.")
    status: str
    resolved_source: str
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None


class ResolutionIn(Schema):
    source: SourceName | None = Field(None, description="Follow this source from now on.")
    value: (
        Annotated[str, Field(max_length=1000), NoNul]
        | Annotated[int, Field(ge=1, le=999)]
        | Annotated[list[Text], Field(max_length=20)]
        | None
    ) = Field(None, description="Type the value instead (a manual edit).")
    apply_to_album: bool = False


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


class ChangeOut(Schema):
    """A chosen value that changed (or, in a preview, would change)."""

    kind: str
    id: int = Field(alias="object_id")
    label: str
    field: str
    old: Any
    new: Any
    source: str


class ResolvedOut(Schema):
    conflict: ConflictOut
    changes: list[ChangeOut]


class MetadataSettingsOut(Schema):
    authority: dict[str, list[str]] = Field(description="Fields whose order is not the default.")
    genre_count: int
    feat_style: str
    artist_separator: str
    refresh_after_days: int


AuthorityIn = Annotated[
    dict[FieldName, Annotated[list[SourceName], Field(max_length=6)]], Field(max_length=40)
]


class MetadataSettingsIn(Schema):
    authority: AuthorityIn | None = Field(
        None, description='Per field, the sources best first: {"genres": ["lastfm"]}.'
    )
    genre_count: Annotated[int, Field(ge=1, le=10)] | None = None
    feat_style: Literal["artist", "title"] | None = None
    artist_separator: Annotated[str, Field(min_length=1, max_length=10), NoNul] | None = None
    refresh_after_days: Annotated[int, Field(ge=0, le=3650)] | None = None


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
    changes: list[ChangeOut]
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
