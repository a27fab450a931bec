"""Album completeness, the provider's side: fetch a release's track list and hand it to the
library (`library.scanner.completeness` records it and compares it with what is owned).

The track list comes from a `TracklistSource`, chosen per album: Spotify when the want came
from Spotify (the album has a Spotify id), else MusicBrainz (the album's release id).
"""

from __future__ import annotations

import time
from typing import Protocol

from library.models import Album, AlbumCompleteness
from library.scanner import completeness as library_completeness
from library.scanner.completeness import ExpectedTrack, Tracklist
from metadata.providers import musicbrainz
from metadata.providers.base import ProviderError

Source = AlbumCompleteness.Source


class SourceUnavailable(ProviderError):
    """This source cannot give a track list (not connected, not built yet)."""


class TracklistSource(Protocol):
    source: str

    def applies_to(self, album: Album) -> bool: ...

    def fetch(self, album: Album) -> Tracklist:
        """The release's tracks; raises ProviderError (unavailable, not found)."""
        ...


class MusicBrainzTracklist:
    source = Source.MUSICBRAINZ

    def applies_to(self, album: Album) -> bool:
        return bool(album.musicbrainz_release_id)

    def fetch(self, album: Album) -> Tracklist:
        release = musicbrainz.get_release(album.musicbrainz_release_id)
        tracks = [
            ExpectedTrack(
                disc=medium.position,
                number=track.position,
                title=track.title,
                length_ms=track.length_ms,
                recording_id=track.recording_id,
                isrc=track.isrc or "",
                artist=track.artist,
            )
            for medium in release.media
            for track in medium.tracks
        ]
        return Tracklist(self.source, release.id, tracks)


class SpotifyTracklist:
    """The seam for Spotify albums: the Spotify client is not built yet, so this says so."""

    source = Source.SPOTIFY

    def applies_to(self, album: Album) -> bool:
        return bool(album.spotify_id)

    def fetch(self, album: Album) -> Tracklist:
        raise SourceUnavailable("Spotify album track lists are not available yet")


def sources_for(album: Album) -> list[TracklistSource]:
    """The want's own source first: Spotify for albums that came from Spotify."""
    ordered: list[TracklistSource] = [SpotifyTracklist(), MusicBrainzTracklist()]
    return [source for source in ordered if source.applies_to(album)]


def check_album(album_id: int) -> AlbumCompleteness:
    """Fetch the album's track list (first source that answers) and compare with what is owned."""
    album = Album.objects.select_related("artist").get(pk=album_id)
    errors = []
    tracklist = None
    for source in sources_for(album):
        try:
            tracklist = source.fetch(album)
            break
        except ProviderError as exc:  # unavailable, not found, or not built yet
            errors.append(f"{source.source}: {exc}")
    return library_completeness.record_tracklist(album, tracklist, errors)


def check_due_albums(budget_seconds: float) -> int:
    """Check albums never checked or checked 30+ days ago, for up to `budget_seconds`."""
    deadline = time.monotonic() + budget_seconds
    checked = 0
    for album_id in library_completeness.due_album_ids():
        if time.monotonic() > deadline:
            break
        check_album(album_id)
        checked += 1
    return checked
