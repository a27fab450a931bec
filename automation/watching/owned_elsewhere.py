"""Is a single or EP already owned on another album? (Lidarr#1025: singles cluttering albums.)

A track of the release counts as owned when an owned library track on an album of another
release group is the same recording (MusicBrainz id), carries one of its ISRCs, or has the
same normalised title with a length within 3 seconds.
"""

from __future__ import annotations

from django.db.models import Q

from library.models import Album, Track
from library.scanner.identity import normalize_name
from metadata.providers import musicbrainz

MAX_LENGTH_GAP_MS = 3000


def album_owning_all_tracks(release_id: str, release_group_id: str) -> Album | None:
    """The (first) album holding every track of release `release_id`, or None when any track
    is not owned on an album of another release group."""
    release = musicbrainz.get_release(release_id)
    tracks = [t for m in release.media for t in m.tracks]
    if not tracks:
        return None
    albums: list[Album] = []
    for track in tracks:
        owner = _owned_copy(track, release_group_id)
        if owner is None:
            return None
        albums.append(owner.album)
    return albums[0]


def _owned_copy(track: musicbrainz.ReleaseTrack, release_group_id: str) -> Track | None:
    title = normalize_name(track.title)
    same = Q(musicbrainz_recording_id=track.recording_id) if track.recording_id else Q(pk__in=[])
    if track.isrcs:
        same |= Q(isrc__in=list(track.isrcs))
    # Titles are compared normalised in Python; the database narrows by a loose match first.
    same |= Q(title__iexact=track.title.strip()) | Q(
        title__icontains=title.split(" ")[0] if title else ""
    )
    candidates = (
        Track.objects.owned()
        .filter(album__isnull=False)
        .exclude(album__musicbrainz_release_group_id=release_group_id)
        .filter(same)
        .select_related("album__artist")
        .order_by("pk")
    )
    return next((c for c in candidates if _same_track(c, track, title)), None)


def _same_track(owned: Track, track: musicbrainz.ReleaseTrack, title: str) -> bool:
    if track.recording_id and owned.musicbrainz_recording_id == track.recording_id:
        return True
    if owned.isrc and owned.isrc in track.isrcs:
        return True
    if normalize_name(owned.title) != title:
        return False
    if owned.duration_ms is None or track.length_ms is None:
        return False
    return abs(owned.duration_ms - track.length_ms) <= MAX_LENGTH_GAP_MS
