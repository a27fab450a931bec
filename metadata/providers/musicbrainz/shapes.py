"""What SoulSpot keeps of MusicBrainz answers: small frozen dataclasses, no musicbrainzngs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class ReleaseSummary:
    """A release as listed under a recording. Type fields are None when MB did not include the
    release group (ISRC lookups); disc/track fields are set by search results only."""

    id: str
    title: str
    status: str | None
    date: str | None
    country: str | None
    release_group_id: str | None
    primary_type: str | None
    secondary_types: tuple[str, ...]
    disc_number: int | None = None
    track_number: str | None = None


@dataclass(frozen=True)
class RecordingMatch:
    """A candidate recording. `score` is MB's search score (100 for ISRC matches)."""

    id: str
    title: str
    length_ms: int | None
    artist: str
    artist_ids: tuple[str, ...]
    score: int
    isrcs: tuple[str, ...]
    releases: tuple[ReleaseSummary, ...]


@dataclass(frozen=True)
class ReleaseTrack:
    id: str | None
    position: int
    number: str
    title: str
    length_ms: int | None
    recording_id: str
    artist: str
    artist_ids: tuple[str, ...]
    isrcs: tuple[str, ...]

    @property
    def isrc(self) -> str | None:
        return self.isrcs[0] if self.isrcs else None


@dataclass(frozen=True)
class Medium:
    """One disc (or side, file set...) of a release."""

    position: int
    format: str | None
    title: str | None
    tracks: tuple[ReleaseTrack, ...]


@dataclass(frozen=True)
class ReleaseInfo:
    id: str
    title: str
    status: str | None
    date: str | None
    year: int | None
    country: str | None
    artist: str
    artist_ids: tuple[str, ...]
    release_group_id: str | None
    primary_type: str | None
    secondary_types: tuple[str, ...]
    media: tuple[Medium, ...]

    @property
    def disc_count(self) -> int:
        return len(self.media)

    def find_recording(self, recording_id: str) -> tuple[Medium, ReleaseTrack] | None:
        """The first (medium, track) holding `recording_id`, if any."""
        for medium in self.media:
            for track in medium.tracks:
                if track.recording_id == recording_id:
                    return medium, track
        return None


@dataclass(frozen=True)
class ReleaseGroupInfo:
    id: str
    title: str
    primary_type: str | None
    secondary_types: tuple[str, ...]
    first_release_date: str | None
    artist: str
    artist_ids: tuple[str, ...]


@dataclass(frozen=True)
class TrackMetadata:
    """Everything SoulSpot tags from MusicBrainz for one track. Release fields are None for a
    standalone recording (one that is on no release)."""

    recording_id: str
    title: str
    artist: str
    artist_ids: tuple[str, ...]
    length_ms: int | None
    isrcs: tuple[str, ...]
    matched_by: Literal["isrc", "search"]
    score: int
    release_id: str | None = None
    release_group_id: str | None = None
    album: str | None = None
    album_artist: str | None = None
    album_artist_ids: tuple[str, ...] = ()
    date: str | None = None
    year: int | None = None
    track_number: int | None = None
    track_total: int | None = None
    disc_number: int | None = None
    disc_total: int | None = None
    release_type: str | None = None
    release_secondary_types: tuple[str, ...] = ()
    release_status: str | None = None
