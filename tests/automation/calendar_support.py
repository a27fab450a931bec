"""Watched artists and release groups made directly in the database, for the calendar and
artist page tests (the release-check tests build theirs through MusicBrainz: watch_support)."""

from __future__ import annotations

import uuid
from datetime import date

from automation.models import ReleaseGroup, WatchedArtist
from library.models import Album, Artist, Track
from tests.factories import AlbumFactory, ArtistFactory, TrackFactory


def watch(name: str = "Band", **fields: object) -> WatchedArtist:
    artist = ArtistFactory(name=name, musicbrainz_id=str(uuid.uuid4()))
    return WatchedArtist.objects.create(
        artist=artist, musicbrainz_id=artist.musicbrainz_id, **fields
    )


def release_group(watched: WatchedArtist, title: str, day: date, **fields: object) -> ReleaseGroup:
    fields.setdefault("primary_type", "album")
    return ReleaseGroup.objects.create(
        watch=watched,
        musicbrainz_id=fields.pop("musicbrainz_id", str(uuid.uuid4())),
        title=title,
        first_release_date=day.isoformat(),
        release_date=day,
        **fields,
    )


def album_with_tracks(artist: Artist, title: str, *, owned: int, known: int) -> Album:
    album = AlbumFactory(artist=artist, title=title)
    for n in range(1, known + 1):
        status = Track.Status.OWNED if n <= owned else Track.Status.WANTED
        TrackFactory(artist=artist, album=album, track_number=n, status=status)
    return album
