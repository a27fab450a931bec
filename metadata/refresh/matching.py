"""Which local track is which track of a MusicBrainz release, for a refresh.

Three passes, each only over what the earlier ones left: the recording id the track already
carries; then its disc and position (a track without a disc number is on disc 1); then its
title, folded (case, punctuation and spacing ignored). Each release track is taken once.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from library.models import Track
from metadata.providers.musicbrainz import Medium, ReleaseInfo, ReleaseTrack
from metadata.providers.musicbrainz.parsing import fold

Place = tuple[Medium, ReleaseTrack]
Matched = tuple[Track, Medium, ReleaseTrack]


def match_tracks(tracks: list[Track], release: ReleaseInfo) -> tuple[list[Matched], list[Track]]:
    """(track, medium, release track) for every track found on `release`; the tracks not
    found, in the order given."""
    places = [(medium, track) for medium in release.media for track in medium.tracks]
    passes: list[tuple[Callable[[Track], Hashable], Callable[[Place], Hashable]]] = [
        (lambda t: t.musicbrainz_recording_id or None, lambda p: p[1].recording_id),
        (_position_of, lambda p: (p[0].position, p[1].position)),
        (lambda t: fold(t.title) or None, lambda p: fold(p[1].title) or None),
    ]
    found: dict[int, Place] = {}
    for local_key, release_key in passes:
        free = [p for p in places if not any(p is q for q in found.values())]
        index: dict[Hashable, Place] = {}
        for place in free:
            index.setdefault(release_key(place), place)
        for track in tracks:
            key = local_key(track) if track.pk not in found else None
            if key is not None and key in index:
                found[track.pk] = index.pop(key)
    matched = [(t, *found[t.pk]) for t in tracks if t.pk in found]
    return matched, [t for t in tracks if t.pk not in found]


def _position_of(track: Track) -> tuple[int, int] | None:
    if track.track_number is None:
        return None
    return (track.disc_number or 1, track.track_number)
