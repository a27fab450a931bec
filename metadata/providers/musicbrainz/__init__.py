"""MusicBrainz WS/2 client: the only package that imports musicbrainzngs.

    from metadata.providers import musicbrainz

    meta = musicbrainz.lookup_track("Radiohead", "Creep", duration_ms=238_000)

`transport` carries every request (settings, timeout, process-wide pacing, typed errors);
`lookups` makes the single requests (ISRC, search, release, release group); `track_lookup`
identifies a track and chooses its release; `parsing` turns musicbrainzngs' dicts into the
frozen `shapes`.

Every failure surfaces as MusicBrainzError: MusicBrainzUnavailable (network, 5xx, malformed
XML: retry later) or MusicBrainzNotFound (404).
"""

from __future__ import annotations

from metadata.providers.musicbrainz.artists import get_artist, release_groups_of_artist
from metadata.providers.musicbrainz.group_choice import (
    GroupChoice,
    choose_among_releases,
    choose_release_for_group,
)
from metadata.providers.musicbrainz.lookups import (
    RELEASE_INCLUDES,
    SEARCH_LIMIT,
    get_recording,
    get_release,
    get_release_group,
    normalize_isrc,
    rank_score,
    recording_by_isrc,
    search_recording,
)
from metadata.providers.musicbrainz.search import (
    releases_of_group,
    search_artists,
    search_release_groups,
    search_releases,
)
from metadata.providers.musicbrainz.shapes import (
    ArtistHit,
    Medium,
    RecordingMatch,
    ReleaseGroupHit,
    ReleaseGroupInfo,
    ReleaseHit,
    ReleaseInfo,
    ReleaseSummary,
    ReleaseTrack,
    TrackMetadata,
)
from metadata.providers.musicbrainz.track_lookup import (
    ISRC_RE,
    MAX_LENGTH_GAP_MS,
    MIN_SEARCH_SCORE,
    choose_release,
    lookup_track,
)
from metadata.providers.musicbrainz.transport import (
    MusicBrainzError,
    MusicBrainzNotFound,
    MusicBrainzUnavailable,
)

__all__ = [
    "ISRC_RE",
    "MAX_LENGTH_GAP_MS",
    "MIN_SEARCH_SCORE",
    "RELEASE_INCLUDES",
    "SEARCH_LIMIT",
    "ArtistHit",
    "GroupChoice",
    "Medium",
    "MusicBrainzError",
    "MusicBrainzNotFound",
    "MusicBrainzUnavailable",
    "RecordingMatch",
    "ReleaseGroupHit",
    "ReleaseGroupInfo",
    "ReleaseHit",
    "ReleaseInfo",
    "ReleaseSummary",
    "ReleaseTrack",
    "TrackMetadata",
    "choose_among_releases",
    "choose_release",
    "choose_release_for_group",
    "get_artist",
    "get_recording",
    "get_release",
    "get_release_group",
    "lookup_track",
    "normalize_isrc",
    "rank_score",
    "recording_by_isrc",
    "release_groups_of_artist",
    "releases_of_group",
    "search_artists",
    "search_recording",
    "search_release_groups",
    "search_releases",
]
