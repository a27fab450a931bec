"""What SoulSpot keeps of Spotify answers: small frozen dataclasses, no spotipy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EntryKind = Literal["track", "local", "unavailable", "episode"]


@dataclass(frozen=True)
class SpotifyUser:
    id: str
    display_name: str


@dataclass(frozen=True)
class SpotifyArtist:
    id: str
    name: str


@dataclass(frozen=True)
class SpotifyAlbumRef:
    """An album as embedded in a track. `id` is "" for a local file's album."""

    id: str
    name: str
    artists: tuple[SpotifyArtist, ...]
    release_date: str
    album_type: str
    total_tracks: int | None


@dataclass(frozen=True)
class SpotifyTrack:
    """A track. `id` is "" for a local file; `isrc` is "" when Spotify gives none."""

    id: str
    name: str
    artists: tuple[SpotifyArtist, ...]
    album: SpotifyAlbumRef | None
    duration_ms: int
    isrc: str
    disc_number: int
    track_number: int


@dataclass(frozen=True)
class PlaylistEntry:
    """One row of a playlist or of the saved tracks. `track` is set for "track" and "local"
    rows, None for "unavailable" (removed from Spotify) and "episode" (a podcast) rows."""

    kind: EntryKind
    track: SpotifyTrack | None
    position: int


@dataclass(frozen=True)
class SpotifyPlaylist:
    id: str
    name: str
    owner_id: str
    owner_name: str
    collaborative: bool
    snapshot_id: str
    tracks_total: int


@dataclass(frozen=True)
class SpotifyAlbum:
    id: str
    name: str
    artists: tuple[SpotifyArtist, ...]
    release_date: str
    album_type: str
    total_tracks: int
    upc: str
    tracks: tuple[SpotifyTrack, ...]
