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
    # Each credited artist's name as credited.
    artist_names: tuple[str, ...] = ()


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
    # Each credited artist's name as credited ("A", "B" of "A feat. B").
    artist_names: tuple[str, ...] = ()

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
    # The first label and the first catalogue number of the release's label info (inc=labels).
    label: str | None = None
    catalog_number: str | None = None
    # Each credited artist's own name and sort name ("Beatles, The"), in credit order.
    artist_names: tuple[str, ...] = ()
    artist_sort_names: tuple[str, ...] = ()

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


@dataclass(frozen=True)
class ArtistHit:
    """An artist found by a search. `score` is MB's search score (0–100)."""

    id: str
    name: str
    sort_name: str
    disambiguation: str
    type: str | None
    country: str | None
    score: int


@dataclass(frozen=True)
class ReleaseGroupHit:
    """A release group (an album with all its editions) found by a search."""

    id: str
    title: str
    disambiguation: str
    artist: str
    artist_ids: tuple[str, ...]
    primary_type: str | None
    secondary_types: tuple[str, ...]
    first_release_date: str | None
    release_count: int | None
    score: int


@dataclass(frozen=True)
class ReleaseHit:
    """One edition of an album, as a search or a browse of its group lists it. `score` is 0
    for browses (no ranking); `formats` has one entry per medium ("CD", "Digital Media")."""

    id: str
    title: str
    disambiguation: str
    artist: str
    artist_ids: tuple[str, ...]
    status: str | None
    date: str | None
    country: str | None
    formats: tuple[str, ...]
    track_count: int | None
    release_group_id: str | None
    primary_type: str | None
    secondary_types: tuple[str, ...]
    score: int = 0

    @property
    def format(self) -> str:
        """The media in words: "CD", "2×CD", "CD + DVD"; "" when MB does not say."""
        counts: dict[str, int] = {}
        for name in self.formats:
            counts[name] = counts.get(name, 0) + 1
        return " + ".join(f"{n}×{name}" if n > 1 else name for name, n in counts.items())

    @property
    def is_digital(self) -> bool:
        return bool(self.formats) and all(f == "Digital Media" for f in self.formats)

    @property
    def is_official(self) -> bool:
        return (self.status or "").casefold() == "official"
