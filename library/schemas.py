"""Request and response shapes of the library API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Schema

from library.naming import DEFAULT_TEMPLATES
from soulspot.lib.schemas import MAX_ITEMS, ErrorOut, Id, NoNul, PathText, Text

Mbid = Annotated[
    str, Field(pattern=r"^([0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12})?$"), NoNul
]

# --- scans --------------------------------------------------------------------------------------


class ScanIn(Schema):
    path: PathText | None = Field(
        None, description="A folder inside the music folder; default: all of it."
    )
    full: bool = Field(False, description="Re-read every file, not only new and changed ones.")
    deep: bool = Field(False, description="Also decode the audio of every file read (slow).")


class ScanOut(Schema):
    id: int
    path: str
    full: bool
    deep: bool
    status: str = Field(description="queued, running, completed, failed or cancelled")
    phase: str = Field(description="pending, walking, reading, missing, duplicates or done")
    files_total: int | None = Field(description="Audio files found (known once listed).")
    files_seen: int = Field(description="Files processed so far (unchanged ones count at once).")
    files_new: int
    files_changed: int
    files_removed: int = Field(description="Files gone from disk: marked missing, kept.")
    files_broken: int = Field(description="Files found broken among those read by this scan.")
    problem_count: int
    broken_total: int | None = Field(description="Broken files under the path after the scan.")
    duplicate_groups: int | None = Field(description="Open duplicate groups after the scan.")
    percent: float
    eta_seconds: float | None
    duration_seconds: float | None
    error: str
    requested_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class ProblemOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    path: str
    detail: str
    created_at: datetime


class ScanConflictOut(ErrorOut):
    """409 from starting a scan: the one already running or queued."""

    scan_id: int = Field(description="The scan already running or queued.")


# --- catalogue ----------------------------------------------------------------------------------


class ArtistRef(Schema):
    id: int
    name: str


class AlbumRef(Schema):
    id: int
    title: str
    year: int | None


class FileOut(Schema):
    id: int
    path: str
    size: int
    format: str
    quality: str
    bitrate: int | None
    sample_rate: int | None
    bit_depth: int | None
    duration_ms: int | None
    sha256: str
    tag_score: int
    is_broken: bool
    broken_reason: str
    is_missing: bool
    recycled_to: str
    duplicate_group_id: int | None
    last_scanned_at: datetime | None


class TrackOut(Schema):
    id: int
    title: str
    artist: ArtistRef
    artist_credit: str
    artists: list[str] = Field(description="Each credited artist, when there are several.")
    genres: list[str]
    album: AlbumRef | None
    disc_number: int | None
    track_number: int | None
    duration_ms: int | None
    isrc: str
    musicbrainz_recording_id: str
    spotify_id: str
    status: str
    monitored: bool = Field(description="The user wants it kept (searched when missing).")
    want_source: str = Field(description="Where the want came from (typed, album, ...).")
    quality_profile_id: int | None = Field(description="Null: the default profile.")
    wanted_at: datetime | None
    last_searched_at: datetime | None
    files: list[FileOut]


class CompletenessOut(Schema):
    source: str
    release_id: str
    expected_count: int
    owned_count: int
    is_complete: bool
    missing: list[ExpectedTrackOut]
    checked_at: datetime | None
    error: str


class ExpectedTrackOut(Schema):
    disc: int
    number: int
    title: str
    length_ms: int | None
    recording_id: str
    isrc: str
    artist: str


class AlbumOut(Schema):
    id: int
    title: str
    artist: ArtistRef
    release_type: str
    year: int | None
    release_date: str = Field(description='As precise as known: "1995", "1995-10-03".')
    label: str
    catalog_number: str
    country: str = Field(description="Release country (ISO 3166-1 alpha-2).")
    genres: list[str]
    track_count: int | None = Field(description="Tracks on the release, when known.")
    disc_count: int | None
    tracks_known: int = Field(description="Tracks of this album in the catalogue.")
    musicbrainz_release_id: str
    spotify_id: str
    monitored: bool


class OfferOut(Schema):
    source: str
    value: Any
    fetched_at: datetime


class ProvenanceOut(Schema):
    value: Any = Field(description="The catalogue's value (what files are tagged with).")
    source: str | None = Field(
        description="manual, musicbrainz, spotify, lastfm, catalogue (held before any source "
        "was recorded) or file_tags; null when no source was recorded for the field."
    )
    fetched_at: datetime | None
    alternatives: list[OfferOut] = Field(description="What the other sources offer.")
    conflict_id: int | None = Field(description="An open conflict on this field.")
    normalized: list[str] = Field(
        description="Rules that changed the source's spelling: whitespace, quotes, dashes, feat."
    )


Provenance = dict[str, ProvenanceOut]


class TrackDetailOut(TrackOut):
    provenance: Provenance


class AlbumDetailOut(AlbumOut):
    tracks: list[TrackOut]
    completeness: CompletenessOut | None
    provenance: Provenance


class AlbumSummary(AlbumRef):
    artist: ArtistRef


class IncompleteAlbumOut(CompletenessOut):
    album: AlbumSummary


class ArtistOut(Schema):
    id: int
    name: str
    sort_name: str
    musicbrainz_id: str
    spotify_id: str
    genres: list[str]
    albums_known: int
    tracks_known: int
    monitored: bool


class ArtistDetailOut(ArtistOut):
    albums: list[AlbumRef]
    provenance: Provenance


class MonitorPatch(Schema):
    monitored: bool | None = Field(
        None,
        description="Monitor (keep it wanted, searched when missing) or unmonitor; an album or "
        "an artist passes it on to its tracks. Files are never touched.",
    )


# Manual edits: every field given is a manual value that wins over every source until cleared
# (DELETE .../manual/{field}); its files are re-tagged (and renamed) by a queued task.
Number = Annotated[int, Field(ge=1, le=999)]
Names = Annotated[list[Text], Field(max_length=20)]
Credit = Annotated[str, Field(max_length=1000), NoNul]


class TrackPatch(MonitorPatch):
    title: Text | None = None
    artist: Credit | None = Field(None, description='The credit, e.g. "A feat. B".')
    artists: Names | None = None
    track_number: Number | None = None
    disc_number: Number | None = None
    isrc: Annotated[str, Field(max_length=12), NoNul] | None = None
    musicbrainz_recording_id: Mbid | None = None
    genres: Names | None = None


class AlbumPatch(MonitorPatch):
    title: Text | None = None
    artist: Text | None = Field(None, description="The album artist's name.")
    date: Annotated[str, Field(max_length=10), NoNul] | None = Field(
        None, description='"YYYY", "YYYY-MM" or "YYYY-MM-DD".'
    )
    track_total: Number | None = None
    disc_total: Number | None = None
    musicbrainz_release_id: Mbid | None = None
    musicbrainz_release_group_id: Mbid | None = None
    label: Text | None = None
    catalog_number: Annotated[str, Field(max_length=100), NoNul] | None = None
    country: Annotated[str, Field(max_length=2), NoNul] | None = None
    genres: Names | None = None


class ArtistPatch(MonitorPatch):
    name: Text | None = None
    sort_name: Text | None = None
    musicbrainz_id: Mbid | None = None
    genres: Names | None = None


# --- history ------------------------------------------------------------------------------------


class HistoryOut(Schema):
    id: int
    type: str = Field(description="wanted, searched, grabbed, imported, rejected, failed, ...")
    at: datetime
    track_id: int | None
    job_id: int | None = Field(description="The download job involved, if any.")
    message: str
    detail: dict = Field(description="The event's facts: query, counts, user, file, path...")


# --- health -------------------------------------------------------------------------------------


class TrackRef(Schema):
    id: int
    title: str
    artist: str = Field(alias="credit")


class HealthFileOut(FileOut):
    track: TrackRef | None


class DuplicateGroupOut(Schema):
    id: int
    kind: str = Field(description="exact (same SHA-256) or recording (same recording)")
    status: str
    reasons: str
    keeper_id: int | None = Field(description="The file the keep policy proposes to keep.")
    files: list[HealthFileOut]
    created_at: datetime
    updated_at: datetime


class ResolveIn(Schema):
    keep_file_id: Id | None = Field(None, description="Keep this file instead of the proposal.")


class MovedOut(Schema):
    file_id: int
    path: str
    recycled_to: str


class FailedOut(Schema):
    file_id: int
    path: str
    error: str


class ResolutionOut(Schema):
    group_id: int
    keeper_id: int
    ok: bool
    moved: list[MovedOut]
    failed: list[FailedOut]


class BrokenFileOut(HealthFileOut):
    has_healthy_copy: bool = Field(description="The track has another, healthy file.")


class FileIdsIn(Schema):
    file_ids: list[Id] | None = Field(
        None, max_length=MAX_ITEMS, description="Only these files; default: all."
    )


class SkippedOut(Schema):
    item: str
    reason: str


class ActionOut(Schema):
    summary: str
    queued: list[int] = Field(description="Ids of the download jobs queued.")
    skipped: list[SkippedOut]


class StatsOut(Schema):
    tracks: int = Field(description="Tracks with at least one healthy file.")
    tracks_known: int
    tracks_wanted: int
    albums: int
    artists: int
    files: int
    total_size: int = Field(description="Bytes, present files only.")
    formats: dict[str, int]
    qualities: dict[str, int] = Field(description="Healthy files per quality ladder key.")
    broken: int
    missing: int
    duplicate_groups: int
    duplicate_files: int
    incomplete_albums: int
    last_scan: dict | None


# --- naming -------------------------------------------------------------------------------------

TEMPLATE_MAX = 1000  # the NamingScheme columns' max_length
Template = Annotated[str, Field(max_length=TEMPLATE_MAX), NoNul]


class NamingOut(Schema):
    standard: str
    multi_disc: str
    various_artists: str
    various_artists_multi_disc: str
    defaults: dict[str, str]

    @staticmethod
    def resolve_defaults(scheme: object) -> dict[str, str]:
        return dict(DEFAULT_TEMPLATES)


class NamingIn(Schema):
    standard: Template | None = None
    multi_disc: Template | None = None
    various_artists: Template | None = None
    various_artists_multi_disc: Template | None = None

    def changes(self) -> dict[str, str]:
        return {name: value for name, value in self.dict().items() if value is not None}


class RenamePreviewIn(Schema):
    templates: NamingIn | None = Field(None, description="Templates to try (default: current).")
    track_file_ids: list[Id] | None = Field(
        None, max_length=MAX_ITEMS, description="Files to show (default: all)."
    )
    limit: int = Field(200, ge=1, le=1000)
    only_changed: bool = True

    def template_changes(self) -> dict[str, str] | None:
        return self.templates.changes() if self.templates else None


class RenameApplyIn(Schema):
    templates: NamingIn | None = Field(None, description="Saved first when given.")
    track_file_ids: list[Id] = Field(..., min_length=1, max_length=MAX_ITEMS)

    def template_changes(self) -> dict[str, str] | None:
        return self.templates.changes() if self.templates else None


class RenameOut(Schema):
    track_file_id: int
    old: str
    new: str
    changed: bool
    problem: str
