"""MusicBrainz answers as the metadata engine's field values (`library.provenance.fields`).

The one place that says which MusicBrainz value feeds which managed field, so a refresh, the
importer and any later caller offer MusicBrainz's view the same way. A value of None means
"MusicBrainz offers nothing for this field" (the engine then drops an earlier offer of it).
"""

from __future__ import annotations

from typing import Any

from metadata.providers.musicbrainz import (
    ArtistHit,
    Medium,
    RecordingMatch,
    ReleaseInfo,
    ReleaseTrack,
)

Values = dict[str, Any]


def album_values(release: ReleaseInfo) -> Values:
    """The album fields a release gives. A track total is the count of the album's one disc;
    a multi-disc release has one per disc, so it offers the disc total only."""
    single = release.media[0] if len(release.media) == 1 else None
    return {
        "title": release.title or None,
        "artist": release.artist or None,
        "date": release.date,
        "track_total": len(single.tracks) if single else None,
        "disc_total": release.disc_count or None,
        "musicbrainz_release_id": release.id,
        "musicbrainz_release_group_id": release.release_group_id,
        "country": release.country,
        "label": release.label,
        "catalog_number": release.catalog_number,
    }


def track_values(medium: Medium, track: ReleaseTrack) -> Values:
    """The track fields one track of a release gives (its place on the release included)."""
    return {
        "title": track.title or None,
        "artist": track.artist or None,
        "artists": list(track.artist_names) or None,
        "track_number": track.position,
        "disc_number": medium.position,
        "isrc": _only(track.isrcs),
        "musicbrainz_recording_id": track.recording_id,
    }


def recording_values(recording: RecordingMatch) -> Values:
    """The track fields a recording on its own gives (no release: no place on one)."""
    return {
        "title": recording.title or None,
        "artist": recording.artist or None,
        "artists": list(recording.artist_names) or None,
        "isrc": _only(recording.isrcs),
        "musicbrainz_recording_id": recording.id,
    }


def album_artist_values(release: ReleaseInfo) -> Values | None:
    """The artist fields of the release's album artist; None when the release credits several
    artists (or none): the fields would then describe no single artist row."""
    if len(release.artist_ids) != 1:
        return None
    names, sort_names = release.artist_names, release.artist_sort_names
    return {
        # The artist's own name, not the name a credit gives it on this release.
        "name": (names[0] if len(names) == 1 else None) or release.artist or None,
        "sort_name": sort_names[0] if len(sort_names) == 1 and sort_names[0] else None,
        "musicbrainz_id": release.artist_ids[0],
    }


def artist_values(artist: ArtistHit) -> Values:
    """The artist fields an artist lookup gives."""
    return {
        "name": artist.name or None,
        "sort_name": artist.sort_name or None,
        "musicbrainz_id": artist.id,
    }


def _only(values: tuple[str, ...]) -> str | None:
    # A recording with several ISRCs has no one ISRC to tag; offering one would be a guess.
    return values[0] if len(values) == 1 else None
