"""Spotify's shapes as catalogue facts."""

from __future__ import annotations

from library.catalog import TrackFacts, year_of
from library.models import Source
from metadata.providers.spotify import SpotifyAlbumRef, SpotifyTrack


def track_facts(track: SpotifyTrack, album: SpotifyAlbumRef | None = None) -> TrackFacts:
    """What a Spotify track says of itself; `album` stands in for a track listed under its
    album (such tracks carry no album of their own)."""
    album = track.album or album
    artist = track.artists[0] if track.artists else None
    album_artist = album.artists[0].name if album and album.artists else ""
    return TrackFacts(
        artist=artist.name if artist else "",
        title=track.name,
        album=album.name if album else "",
        album_artist=album_artist,
        artist_credit=", ".join(a.name for a in track.artists),
        duration_ms=track.duration_ms or None,
        isrc=track.isrc,
        spotify_id=track.id,
        artist_spotify_id=artist.id if artist else "",
        album_spotify_id=album.id if album else "",
        disc_number=track.disc_number or None,
        track_number=track.track_number or None,
        year=year_of(album.release_date) if album else None,
        release_date=album.release_date if album else "",
        source=Source.SPOTIFY,
    )
