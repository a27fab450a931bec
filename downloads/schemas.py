"""Request and response shapes of the downloads API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import model_validator

from library.quality import QUALITIES
from library.schemas import SkippedOut
from soulspot.lib.schemas import MAX_ITEMS, MAX_LADDER, Id, Text

# A quality key of the ladder (flac, mp3_320...); the real ones are far shorter.
QualityKey = Annotated[Text, Field(max_length=50)]


class DownloadIn(Schema):
    artist: Text = Field(min_length=1)
    title: Text = Field(min_length=1)
    album: Text = ""
    duration_ms: int | None = Field(None, ge=0, le=24 * 3600 * 1000)
    isrc: Text = Field("", max_length=12)
    priority: int = Field(0, ge=-100, le=100)


class AlbumDownloadIn(Schema):
    """Exactly one way to name the album: `artist` and `album` (optionally `year` and
    `tracks`), a `musicbrainz_release_id` (that edition) or a `musicbrainz_release_group_id`
    (SoulSpot chooses the edition and says why in the job's `status_reason`)."""

    artist: Text | None = Field(None, min_length=1)
    album: Text | None = Field(None, min_length=1)
    year: int | None = Field(None, ge=1000, le=3000)
    tracks: list[Text] | None = Field(
        None,
        max_length=MAX_ITEMS,
        description=f"Track titles in order, when known (at most {MAX_ITEMS}).",
    )
    musicbrainz_release_id: UUID | None = Field(None, description="A MusicBrainz release.")
    musicbrainz_release_group_id: UUID | None = Field(
        None, description="A MusicBrainz release group (the album, all its editions)."
    )
    priority: int = Field(0, ge=-100, le=100)

    @model_validator(mode="after")
    def _one_way_to_name_the_album(self) -> AlbumDownloadIn:
        by_names = self.artist is not None or self.album is not None
        ways = [by_names, self.musicbrainz_release_id, self.musicbrainz_release_group_id]
        if sum(1 for way in ways if way) != 1:
            raise ValueError(
                "give exactly one of: artist and album, musicbrainz_release_id, "
                "musicbrainz_release_group_id"
            )
        if by_names and (self.artist is None or self.album is None):
            raise ValueError("artist and album are both required")
        if not by_names and (self.year is not None or self.tracks is not None):
            raise ValueError("year and tracks go with artist and album, not a MusicBrainz id")
        return self


class DownloadPatch(Schema):
    priority: int = Field(ge=-100, le=100)


class RejectIn(Schema):
    reason: Text = "marked wrong by you"


class CandidateOut(Schema):
    id: int
    username: str
    filename: str = Field(description="Full remote path, exactly as slskd reported it.")
    size: int
    extension: str
    bitrate: int | None
    sample_rate: int | None
    bit_depth: int | None
    length_s: int | None
    is_vbr: bool | None
    quality: str
    has_free_slot: bool
    queue_length: int
    upload_speed: int
    score: float
    rank: int | None = Field(description="1 is the best; null when rejected by the matcher.")
    state: str
    rejection_reason: str
    breakdown: dict
    query: str


class DownloadOut(Schema):
    id: int
    kind: str
    status: str
    status_reason: str
    priority: int
    attempts: int = Field(
        description="Downloads tried against max_attempts: failed ones plus the one in hand."
    )
    max_attempts: int
    error: str
    artist: str
    title: str
    album: str
    track_id: int | None
    album_id: int | None
    parent_id: int | None
    search_query: str
    progress: float = Field(description="Percent of the file downloaded, 0–100.")
    bytes_transferred: int
    bytes_total: int = Field(description="Size of the file being downloaded, in bytes.")
    speed_bps: int | None = Field(
        description="Average transfer speed in bytes per second, while bytes are flowing."
    )
    eta_seconds: int | None = Field(description="Seconds left at the current speed.")
    queue_position: int | None = Field(
        description="Our place in the peer's upload queue, while waiting there."
    )
    added_at: datetime | None = Field(description="When slskd was asked for the file.")
    transfer_state: str
    candidate: CandidateOut | None
    local_path: str
    library_path: str
    next_attempt_at: datetime | None
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_attempts(job) -> int:
        return job.attempts_made

    @staticmethod
    def resolve_bytes_total(job) -> int:
        return job.size_bytes

    @staticmethod
    def resolve_speed_bps(job) -> int | None:
        return job.current_speed_bps

    @staticmethod
    def resolve_queue_position(job) -> int | None:
        return job.current_queue_position

    @staticmethod
    def resolve_added_at(job) -> datetime | None:
        return job.transfer_added_at

    @staticmethod
    def resolve_artist(job) -> str:
        if job.track_id:
            return job.track.credit
        return job.album.artist.name if job.album_id else ""

    @staticmethod
    def resolve_title(job) -> str:
        if job.track_id:
            return job.track.title
        return job.album.title if job.album_id else ""

    @staticmethod
    def resolve_album(job) -> str:
        album = job.album if job.album_id else (job.track.album if job.track_id else None)
        return album.title if album else ""


class BatchIn(Schema):
    action: Literal["create", "retry", "cancel", "pause", "resume"]
    ids: list[Id] = Field(default_factory=list, max_length=MAX_ITEMS)
    items: list[DownloadIn] = Field(default_factory=list, max_length=MAX_ITEMS)


class BatchItemOut(Schema):
    id: int | None
    ok: bool
    error: str = ""


class BatchOut(Schema):
    results: list[BatchItemOut]


class EngineOut(Schema):
    paused: bool
    max_concurrent: int


class EnginePatch(Schema):
    paused: bool | None = None
    max_concurrent: int | None = Field(None, ge=1, le=10)


class QualityProfileIn(Schema):
    name: Text = Field(min_length=1, max_length=100)
    ladder: list[QualityKey] = Field(max_length=MAX_LADDER)
    cutoff: QualityKey
    is_default: bool = False


class QualityProfileOut(QualityProfileIn):
    id: int


# --- wanted lists -------------------------------------------------------------------------------

WantedSort = Literal[
    "artist",
    "-artist",
    "album",
    "-album",
    "title",
    "-title",
    "last_searched",
    "-last_searched",
    "wanted_at",
    "-wanted_at",
]
MAX_SEARCH_IDS = MAX_ITEMS


class QualityOut(Schema):
    key: str = Field(description="A quality key of the ladder (flac, mp3_320...).")
    label: str


class WantedOut(Schema):
    track_id: int
    artist: str
    album: str | None
    title: str
    quality: QualityOut | None = Field(
        description="The best healthy file's quality (cutoff unmet); null when missing."
    )
    monitored_source: str = Field(description="Where the want came from (typed, album...).")
    last_searched_at: datetime | None
    wanted_at: datetime | None
    search_failures: int = Field(
        description="Searches in a row that found nothing; each one lengthens the backoff."
    )
    next_search_at: datetime | None = Field(
        description="When a scheduled search may try this track again; null: at the next run."
        " A search you ask for ignores it."
    )

    @staticmethod
    def resolve_track_id(track) -> int:
        return track.pk

    @staticmethod
    def resolve_artist(track) -> str:
        return track.credit

    @staticmethod
    def resolve_album(track) -> str | None:
        return track.album.title if track.album_id else None

    @staticmethod
    def resolve_quality(track) -> dict | None:
        key = track.best_quality
        return {"key": key, "label": QUALITIES.get(key, key)} if key else None

    @staticmethod
    def resolve_monitored_source(track) -> str:
        return track.want_source


class WantedSearchIn(Schema):
    """Either `track_ids` or `all`, not both."""

    track_ids: list[Id] | None = Field(None, min_length=1, max_length=MAX_SEARCH_IDS)
    all: Literal["missing", "cutoff_unmet"] | None = Field(
        None, description="Search every track of this list."
    )

    @model_validator(mode="after")
    def _one_of_them(self) -> WantedSearchIn:
        if (self.track_ids is None) == (self.all is None):
            raise ValueError("give either track_ids or all")
        return self


class WantedSearchOut(Schema):
    jobs: list[int] = Field(description="Ids of the download jobs created.")
    skipped: list[SkippedOut]
